import { mkdirSync } from 'node:fs';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  codes, externalService, findDiagnostic, internalService, problemCodes, Sandbox, service, serviceIds,
} from './test-support.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(() => {
  sandbox.remove();
});

function entry(name: string, lines: string[]): string {
  return [`service ${name}`, '{', ...lines.map((line) => `\t${line}`), '}', ''].join('\n');
}

describe('required attributes', () => {
  it.each([
    ['wait', entry('echo', ['type = INTERNAL', 'socket_type = stream'])],
    ['socket_type', entry('echo', ['type = INTERNAL', 'wait = no'])],
    ['user', entry('ftp', ['socket_type = stream', 'wait = no', 'server = @SERVER@'])],
    ['server', entry('ftp', ['socket_type = stream', 'wait = no', 'user = root'])],
    ['port', entry('private', ['type = UNLISTED', 'socket_type = stream', 'wait = no', 'user = root', 'server = @SERVER@'])],
    ['server_args', entry('ftp', ['socket_type = stream', 'wait = no', 'user = root', 'server = @SERVER@', 'flags = NAMEINARGS'])],
  ])('a missing %s disables the service', (attribute, text) => {
    const config = sandbox.load(text + internalService('daytime'));
    expect(problemCodes(config)).toEqual(['CONFIG_MISSING_ATTRIBUTE']);
    expect(findDiagnostic(config, 'CONFIG_MISSING_ATTRIBUTE')?.message).toContain(`"${attribute}"`);
    expect(serviceIds(config)).toEqual(['daytime']);
  });

  it('does not accept required attributes from the defaults', () => {
    const config = sandbox.load('defaults\n{\n\twait = no\n}\n' + entry('echo', ['type = INTERNAL', 'socket_type = stream']));
    expect(problemCodes(config)).toEqual(['CONFIG_NOT_ALLOWED_IN_DEFAULTS', 'CONFIG_MISSING_ATTRIBUTE']);
  });

  it('reports every missing attribute at once', () => {
    const config = sandbox.load(entry('ftp', ['socket_type = stream']));
    expect(problemCodes(config)).toEqual(['CONFIG_MISSING_ATTRIBUTE', 'CONFIG_MISSING_ATTRIBUTE', 'CONFIG_MISSING_ATTRIBUTE']);
  });
});

describe('socket type and protocol', () => {
  it.each([
    [['socket_type = stream'], 'stream', 'tcp', 'protocol'],
    [['socket_type = dgram', 'wait = yes'], 'dgram', 'udp', 'protocol'],
    [['protocol = tcp'], 'stream', 'tcp', 'socket_type'],
    [['protocol = TCP'], 'stream', 'tcp', 'socket_type'],
    [['protocol = udp', 'wait = yes'], 'dgram', 'udp', 'socket_type'],
  ])('infers from %j', (lines, socketType, protocol, inferred) => {
    const wait = lines.some((line) => line.startsWith('wait')) ? [] : ['wait = no'];
    const config = sandbox.load(entry('echo', ['type = INTERNAL', ...wait, ...lines]));
    const echo = service(config, 'echo');
    expect([echo.socketType, echo.protocol]).toEqual([socketType, protocol]);
    expect(echo.origins.get(inferred)).toEqual({ origin: 'built-in', position: null });
  });

  it('rejects a protocol missing from the protocols file', () => {
    const config = sandbox.load(entry('echo', ['type = INTERNAL', 'socket_type = stream', 'wait = no', 'protocol = sctp']));
    expect(problemCodes(config)).toEqual(['CONFIG_UNKNOWN_PROTOCOL']);
  });

  it('needs a socket_type when the protocol implies none', () => {
    const config = sandbox.load(entry('echo', ['type = INTERNAL', 'wait = no', 'protocol = icmp']));
    expect(problemCodes(config)).toEqual(['CONFIG_MISSING_ATTRIBUTE']);
  });

  it.each(['raw', 'seqpacket'])('rejects socket_type %s, which Node.js cannot open', (socketType) => {
    const config = sandbox.load(entry('echo', ['type = INTERNAL', 'wait = no', `socket_type = ${socketType}`, 'protocol = tcp']));
    expect(problemCodes(config)).toContain('CONFIG_UNSUPPORTED');
    expect(serviceIds(config)).toEqual([]);
  });

  it('needs a protocol for a raw socket', () => {
    const config = sandbox.load(entry('echo', ['type = INTERNAL', 'wait = no', 'socket_type = raw']));
    expect(problemCodes(config)).toEqual(['CONFIG_UNSUPPORTED', 'CONFIG_MISSING_ATTRIBUTE']);
  });

  it.each([
    ['stream', 'udp'],
    ['dgram', 'tcp'],
  ])('rejects socket_type %s with protocol %s', (socketType, protocol) => {
    const config = sandbox.load(entry('echo', ['type = INTERNAL', 'wait = yes', `socket_type = ${socketType}`, `protocol = ${protocol}`]));
    expect(problemCodes(config)).toEqual(['CONFIG_INCOMPATIBLE_ATTRIBUTES']);
  });

  it('falls back to tcp and udp when the protocols file is unreadable', () => {
    const config = sandbox.load(internalService('echo', ['protocol = tcp']), { protocolsFile: sandbox.path('absent') });
    expect(problemCodes(config)).toEqual(['CONFIG_SYSTEM_FILE_UNREADABLE']);
    expect(serviceIds(config)).toEqual(['echo']);
  });

  it('rejects dgram with wait = no', () => {
    const config = sandbox.load(entry('echo', ['type = INTERNAL', 'socket_type = dgram', 'wait = no']));
    expect(problemCodes(config)).toEqual(['CONFIG_DGRAM_NO_WAIT']);
    expect(serviceIds(config)).toEqual([]);
  });
});

describe('ports', () => {
  it('takes the port of a listed service from the services file', () => {
    const config = sandbox.load(externalService('ftp'));
    expect(service(config, 'ftp').port).toBe(21);
    expect(service(config, 'ftp').origins.get('port')).toEqual({ origin: 'services-file', position: null });
  });

  it('finds a service by an alias of the services file', () => {
    const config = sandbox.load(externalService('ident'));
    expect(service(config, 'ident').port).toBe(113);
  });

  it('accepts a written port equal to the services file', () => {
    expect(service(sandbox.load(externalService('ftp', ['port = 21'])), 'ftp').port).toBe(21);
  });

  it('rejects a written port that differs from the services file', () => {
    const config = sandbox.load(externalService('ftp', ['port = 2121']));
    expect(problemCodes(config)).toEqual(['CONFIG_PORT_MISMATCH']);
    expect(findDiagnostic(config, 'CONFIG_PORT_MISMATCH')?.position?.line).toBe(7);
  });

  it('rejects a listed service name that is not in the services file', () => {
    const config = sandbox.load(externalService('myservice', ['port = 4000']));
    expect(problemCodes(config)).toEqual(['CONFIG_UNKNOWN_SERVICE_PORT']);
    expect(findDiagnostic(config, 'CONFIG_UNKNOWN_SERVICE_PORT')?.hint).toMatch(/UNLISTED/);
  });

  it('rejects a name listed only for another protocol', () => {
    const config = sandbox.load(entry('tftp', ['socket_type = stream', 'wait = no', 'user = root', 'server = @SERVER@']));
    expect(problemCodes(config)).toEqual(['CONFIG_UNKNOWN_SERVICE_PORT']);
  });

  it('uses the written port of an UNLISTED service', () => {
    const config = sandbox.load(externalService('myservice', ['type = UNLISTED', 'port = 4000']));
    expect(service(config, 'myservice').port).toBe(4000);
    expect(service(config, 'myservice').origins.get('port')?.origin).toBe('service');
  });

  it('rejects listed services when the services file is unreadable', () => {
    const config = sandbox.load(externalService('ftp'), { servicesFile: sandbox.path('absent') });
    expect(problemCodes(config)).toEqual(['CONFIG_SYSTEM_FILE_UNREADABLE', 'CONFIG_UNKNOWN_SERVICE_PORT']);
  });
});

describe('user and group', () => {
  it.each([
    [['user = ftpd'], 1001, 1002],
    [['user = ftpd', 'group = staff'], 1001, 50],
    [['user = 4242'], 4242, 4242],
    [['user = 4242', 'group = 77'], 4242, 77],
    [['user = root', 'group = nogroup'], 0, 65534],
  ])('%j resolves to uid %i gid %i', (lines, uid, gid) => {
    const text = entry('ftp', ['socket_type = stream', 'wait = no', 'server = @SERVER@', ...lines]);
    const ftp = service(sandbox.load(text), 'ftp');
    expect([ftp.uid, ftp.gid]).toEqual([uid, gid]);
  });

  it('rejects an unknown user with a suggestion', () => {
    const config = sandbox.load(entry('ftp', ['socket_type = stream', 'wait = no', 'server = @SERVER@', 'user = ftp']));
    expect(problemCodes(config)).toEqual(['CONFIG_UNKNOWN_USER']);
    expect(findDiagnostic(config, 'CONFIG_UNKNOWN_USER')?.hint).toBe('did you mean "ftpd"?');
  });

  it('rejects an unknown group', () => {
    const config = sandbox.load(externalService('ftp', ['group = wheel']));
    expect(problemCodes(config)).toEqual(['CONFIG_UNKNOWN_GROUP']);
  });

  it('leaves uid and gid null for an internal service without user', () => {
    const echo = service(sandbox.load(internalService('echo')), 'echo');
    expect([echo.user, echo.uid, echo.gid]).toEqual([null, null, null]);
  });
});

describe('server', () => {
  it('builds argv from the basename of server and server_args', () => {
    const ftp = service(sandbox.load(externalService('ftp', ['server_args = -l -a'])), 'ftp');
    expect(ftp.server).toBe(sandbox.server);
    expect(ftp.argv).toEqual(['server', '-l', '-a']);
  });

  it('uses only the basename without server_args', () => {
    expect(service(sandbox.load(externalService('ftp')), 'ftp').argv).toEqual(['server']);
  });

  it('takes argv[0] from server_args with NAMEINARGS', () => {
    const ftp = service(sandbox.load(externalService('ftp', ['flags = NAMEINARGS', 'server_args = in.ftpd -l'])), 'ftp');
    expect(ftp.argv).toEqual(['in.ftpd', '-l']);
  });

  it('rejects a server that is not executable', () => {
    const plain = sandbox.write('bin/plain', '#!/bin/sh\n', 0o644);
    const config = sandbox.load(externalService('ftp').replace('@SERVER@', plain));
    expect(problemCodes(config)).toEqual(['CONFIG_SERVER_NOT_EXECUTABLE']);
    expect(serviceIds(config)).toEqual([]);
  });

  it('rejects a directory as server', () => {
    mkdirSync(sandbox.path('bin/dir'));
    const config = sandbox.load(externalService('ftp').replace('@SERVER@', sandbox.path('bin/dir')));
    expect(problemCodes(config)).toEqual(['CONFIG_SERVER_NOT_EXECUTABLE']);
  });

  it('rejects a server that does not exist', () => {
    const config = sandbox.load(externalService('ftp').replace('@SERVER@', sandbox.path('bin/absent')));
    expect(problemCodes(config)).toEqual(['CONFIG_SERVER_NOT_FOUND']);
  });

  it('rejects a relative server with the absolute path as hint', () => {
    const config = sandbox.load(externalService('ftp').replace('@SERVER@', 'bin/server'));
    expect(problemCodes(config)).toEqual(['CONFIG_SERVER_RELATIVE']);
    expect(findDiagnostic(config, 'CONFIG_SERVER_RELATIVE')?.hint).toContain(sandbox.server);
    expect(serviceIds(config)).toEqual([]);
  });

  it('rejects a server path with ".."', () => {
    const config = sandbox.load(externalService('ftp').replace('@SERVER@', `${sandbox.path('bin')}/../bin/server`));
    expect(problemCodes(config)).toEqual(['CONFIG_SERVER_RELATIVE']);
    expect(findDiagnostic(config, 'CONFIG_SERVER_RELATIVE')?.hint).toContain(sandbox.server);
  });
});

describe('internal services', () => {
  it.each(['echo', 'discard', 'daytime', 'time', 'chargen'])('%s exists for stream and dgram', (name) => {
    const text = internalService(name, ['id = s']) + entry(name, ['type = INTERNAL', 'socket_type = dgram', 'wait = yes', 'id = d']);
    expect(serviceIds(sandbox.load(text))).toEqual(['s', 'd']);
  });

  it('rejects an unknown built-in with a suggestion', () => {
    const config = sandbox.load(internalService('daytme', ['type = INTERNAL UNLISTED', 'port = 1300']).replace('\ttype = INTERNAL\n', ''));
    expect(problemCodes(config)).toEqual(['CONFIG_UNKNOWN_BUILTIN']);
    expect(findDiagnostic(config, 'CONFIG_UNKNOWN_BUILTIN')?.hint).toMatch(/^did you mean "daytime"\?/);
  });

  it.each(['tcpmux', 'servers'])('rejects the %s built-in', (name) => {
    const config = sandbox.load(internalService(name, ['type = INTERNAL UNLISTED', 'port = 5000']).replace('\ttype = INTERNAL\n', ''));
    expect(problemCodes(config)).toEqual(['CONFIG_UNKNOWN_BUILTIN']);
  });

  it('rejects NAMEINARGS on an internal service', () => {
    const config = sandbox.load(internalService('echo', ['flags = NAMEINARGS']));
    expect(problemCodes(config)).toEqual(['CONFIG_INCOMPATIBLE_ATTRIBUTES']);
  });

  it('matches the built-in name case-insensitively', () => {
    expect(serviceIds(sandbox.load(internalService('ECHO', ['port = 7', 'type = INTERNAL UNLISTED']).replace('\ttype = INTERNAL\n', '')))).toEqual(['ECHO']);
  });
});

describe('bind', () => {
  it.each(['127.0.0.1', '::1', 'fe80::1%lo'])('accepts %s', (address) => {
    expect(service(sandbox.load(internalService('echo', [`bind = ${address}`])), 'echo').bind).toBe(address);
  });

  it('accepts interface as an alias', () => {
    const echo = service(sandbox.load(internalService('echo', ['interface = 127.0.0.1'])), 'echo');
    expect(echo.bind).toBe('127.0.0.1');
    expect(echo.origins.has('bind')).toBe(true);
  });

  it.each([
    ['bind = localhost', 'CONFIG_BAD_BIND'],
    ['bind = 10.1', 'CONFIG_BAD_BIND'],
    ['bind = 127.0.0.1 ::1', 'CONFIG_WRONG_VALUE_COUNT'],
  ])('%s disables the service with %s', (line, code) => {
    const config = sandbox.load(internalService('echo', [line]));
    expect(problemCodes(config)).toEqual([code]);
    expect(serviceIds(config)).toEqual([]);
  });
});

describe('address lists', () => {
  it('keeps tokens as written', () => {
    const echo = service(sandbox.load(internalService('echo', ['only_from = 10.0.0.0/8 host.example.com 128.138.{193,194}', 'no_access = ::1'])), 'echo');
    expect(echo.onlyFrom).toEqual(['10.0.0.0/8', 'host.example.com', '128.138.{193,194}']);
    expect(echo.noAccess).toEqual(['::1']);
  });

  it.each(['10.0.0.1,10.0.0.2', '10.0.0.0/40', '1.2.{3,,4}'])('%s disables the service', (token) => {
    const config = sandbox.load(internalService('echo', [`no_access = ${token}`]));
    expect(problemCodes(config)).toEqual(['CONFIG_BAD_ADDRESS']);
    expect(serviceIds(config)).toEqual([]);
  });
});

describe('duplicates', () => {
  it('disables the later service with the same id, port, protocol and bind', () => {
    const config = sandbox.load(internalService('echo') + internalService('echo'));
    expect(problemCodes(config)).toEqual(['CONFIG_DUPLICATE_SERVICE']);
    expect(codes(config)).toContain('CONFIG_SERVICE_SKIPPED');
    expect(findDiagnostic(config, 'CONFIG_DUPLICATE_SERVICE')?.position?.line).toBe(7);
    expect(config.services).toHaveLength(1);
  });

  it('compares ids case-insensitively and normalizes bind addresses', () => {
    const text = internalService('echo', ['id = Echo', 'bind = ::1']) + internalService('echo', ['id = ECHO', 'bind = 0:0::1']);
    expect(problemCodes(sandbox.load(text))).toEqual(['CONFIG_DUPLICATE_SERVICE']);
  });

  it('disables a different id on the same socket', () => {
    const text = internalService('echo', ['id = one', 'bind = 127.0.0.1']) + internalService('echo', ['id = two', 'bind = 127.0.0.1']);
    expect(serviceIds(sandbox.load(text))).toEqual(['one']);
  });

  it('keeps services bound to different addresses', () => {
    const text = internalService('echo', ['bind = 127.0.0.1']) + internalService('echo', ['bind = 127.0.0.2']);
    expect(sandbox.load(text).services).toHaveLength(2);
  });

  it('keeps services that both ask for a free port', () => {
    const port0 = ['type = INTERNAL UNLISTED', 'socket_type = stream', 'wait = no', 'port = 0', 'bind = 127.0.0.1'];
    const text = entry('echo', ['id = one', ...port0]) + entry('echo', ['id = two', ...port0]);
    expect(serviceIds(sandbox.load(text))).toEqual(['one', 'two']);
  });

  it('keeps the stream and dgram services of one name', () => {
    const dgram = entry('echo', ['type = INTERNAL', 'socket_type = dgram', 'wait = yes', 'id = echo-dgram']);
    const config = sandbox.load(internalService('echo', ['id = echo-stream']) + dgram);
    expect(serviceIds(config)).toEqual(['echo-stream', 'echo-dgram']);
  });
});

describe('features not supported yet', () => {
  it.each([
    ['type = RPC', ['rpc_version = 1']],
    ['type = TCPMUX', []],
  ])('%s stops the service from loading', (line, extra) => {
    const config = sandbox.load(externalService('telnet', [line, ...extra]));
    expect(problemCodes(config)).toContain('CONFIG_UNSUPPORTED');
    expect(serviceIds(config)).toEqual([]);
  });
});

describe('flags and log options that cannot apply', () => {
  it('removes INTERCEPT from an internal service', () => {
    const config = sandbox.load(internalService('echo', ['flags = INTERCEPT']));
    expect(problemCodes(config)).toEqual(['CONFIG_FLAG_CLEARED']);
    expect(service(config, 'echo').flags.has('INTERCEPT')).toBe(false);
  });

  it('removes INTERCEPT from a wait = no service', () => {
    const config = sandbox.load(externalService('ftp', ['flags = INTERCEPT']));
    expect(service(config, 'ftp').flags.size).toBe(0);
  });

  it('keeps IPv6 when both IPv4 and IPv6 are set', () => {
    const config = sandbox.load(internalService('echo', ['flags = IPv4 IPv6']));
    expect([...service(config, 'echo').flags]).toEqual(['IPv6']);
  });

  it('removes USERID on the ident port', () => {
    const config = sandbox.load(externalService('auth', ['log_on_success = USERID HOST', 'log_on_failure = USERID']));
    expect(problemCodes(config)).toEqual(['CONFIG_FLAG_CLEARED', 'CONFIG_FLAG_CLEARED']);
    expect([...service(config, 'auth').logOnSuccess]).toEqual(['HOST']);
    expect(service(config, 'auth').logOnFailure.size).toBe(0);
  });

  it('rejects TRAFFIC without redirect', () => {
    const config = sandbox.load(internalService('echo', ['log_on_success = TRAFFIC']));
    expect(problemCodes(config)).toEqual(['CONFIG_INCOMPATIBLE_ATTRIBUTES']);
  });
});
