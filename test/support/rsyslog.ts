/**
 * A real rsyslogd in the foreground on a temporary socket and configuration, so tests
 * can read what the daemon's SYSLOG sink delivers. It never touches /dev/log.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from './daemon.js';

export const RSYSLOGD = '/usr/sbin/rsyslogd';
export const HAS_RSYSLOG = existsSync(RSYSLOGD);

export interface RunningRsyslog {
  process: ChildProcess;
  /** The unix datagram socket to pass to the daemon's `-syslogsocket`. */
  socket: string;
  /** Stops rsyslogd with `signal` (SIGTERM lets it flush its files), and resolves once it has exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

function configText(dir: string, socket: string, rules: string[]): string {
  return [
    `global(workDirectory="${dir}")`,
    'module(load="imuxsock" SysSock.Use="off")',
    `input(type="imuxsock" Socket="${socket}" CreatePath="on")`,
    ...rules,
    '',
  ].join('\n');
}

function stopper(child: ChildProcess): (signal?: NodeJS.Signals) => Promise<void> {
  return (signal = 'SIGTERM') => {
    if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    return exited;
  };
}

/**
 * Starts rsyslogd on `dir`/log.sock with `rules` (templates and actions in rsyslog's
 * syntax) after the input, and resolves once the socket exists. Kills it if it does not.
 */
export async function startRsyslog(dir: string, rules: string[]): Promise<RunningRsyslog> {
  const socket = join(dir, 'log.sock');
  const conf = join(dir, 'rsyslog.conf');
  writeFileSync(conf, configText(dir, socket, rules));
  const child = spawn(RSYSLOGD, ['-n', '-f', conf, '-i', join(dir, 'rsyslogd.pid')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const stop = stopper(child);
  try {
    await waitFor('rsyslogd to create its socket', () => {
      if (child.exitCode !== null) throw new Error(`rsyslogd exited with ${child.exitCode} on ${conf}:\n${stderr}`);
      return existsSync(socket) ? true : undefined;
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { process: child, socket, stop };
}
