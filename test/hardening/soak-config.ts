/**
 * The soak test's two configurations. B changes an external service's limit, a wait = yes
 * service's arguments (so its helper is replaced) and adds a service; reloads alternate.
 */
import { join } from 'node:path';
import { block } from '../servers/support.js';

export type Variant = 'A' | 'B';

export interface SoakPorts {
  echo: number;
  echoUdp: number;
  daytime: number;
  daytimeUdp: number;
  cat: number;
  napper: number;
  victim: number;
  limited: number;
  persrc: number;
  guarded: number;
  held: number;
  extra: number;
}

/** Listening services in each variant, and how many of them are wait = yes (one helper each). */
export const SOAK_SERVICES: Record<Variant, { total: number; held: number }> = {
  A: { total: 11, held: 1 },
  B: { total: 12, held: 1 },
};

const ACCEPT_ONCE = join(__dirname, 'accept-once.pl');

function where(port: number, protocol: 'tcp' | 'udp'): string[] {
  const socket = protocol === 'tcp' ? 'stream' : 'dgram';
  return [`socket_type = ${socket}`, `protocol = ${protocol}`, 'bind = 127.0.0.1', `port = ${port}`];
}

function internal(name: string, id: string, port: number, protocol: 'tcp' | 'udp', extra: string[] = []): string {
  return block(name, [`id = ${id}`, 'type = INTERNAL UNLISTED', ...where(port, protocol), `wait = ${protocol === 'udp' ? 'yes' : 'no'}`, ...extra]);
}

function external(name: string, port: number, server: string, args: string | null, extra: string[] = []): string {
  const lines = ['type = UNLISTED', ...where(port, 'tcp'), 'wait = no', 'user = nobody', `server = ${server}`];
  if (args !== null) lines.push(`server_args = ${args}`);
  return block(name, [...lines, ...extra]);
}

export function soakConfig(ports: SoakPorts, variant: Variant, serviceLog: string): string {
  const defaults = `defaults\n{\n\tlog_type = FILE ${serviceLog}\n\tlog_on_success = PID HOST EXIT DURATION\n\tlog_on_failure = HOST\n\tcps = 100000 1\n}\n`;
  const services = [
    internal('echo', 'echo', ports.echo, 'tcp'),
    internal('echo', 'echo-udp', ports.echoUdp, 'udp'),
    internal('daytime', 'daytime', ports.daytime, 'tcp'),
    internal('daytime', 'daytime-udp', ports.daytimeUdp, 'udp'),
    external('cat', ports.cat, '/bin/cat', null, variant === 'B' ? ['instances = 200'] : []),
    external('napper', ports.napper, '/bin/sleep', '1'),
    external('victim', ports.victim, '/bin/sleep', '30'),
    external('limited', ports.limited, '/bin/sleep', '2', ['instances = 2']),
    external('persrc', ports.persrc, '/bin/sleep', '2', ['per_source = 1']),
    internal('echo', 'guarded', ports.guarded, 'tcp', ['only_from = 127.0.0.1']),
    block('held', ['type = UNLISTED', ...where(ports.held, 'tcp'), 'wait = yes', 'user = nobody', `server = ${ACCEPT_ONCE}`, `server_args = ${variant}`]),
  ];
  if (variant === 'B') services.push(internal('daytime', 'extra', ports.extra, 'tcp'));
  return defaults + services.join('');
}
