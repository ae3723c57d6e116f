import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { findDiagnostic, internalService, problemCodes, Sandbox, serviceIds } from './test-support.js';

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

function messages(text: string): string[] {
  return sandbox.load(text).diagnostics.filter((diagnostic) => diagnostic.severity !== 'info').map((diagnostic) => diagnostic.message);
}

describe('RPC services', () => {
  it('requires protocol and rpc_version, and rpc_number when UNLISTED', () => {
    const config = sandbox.load(entry('rstatd', ['type = RPC UNLISTED', 'socket_type = dgram', 'wait = yes', 'user = root', 'server = @SERVER@']));
    const missing = config.diagnostics.filter((diagnostic) => diagnostic.code === 'CONFIG_MISSING_ATTRIBUTE').map((diagnostic) => diagnostic.message);
    expect(missing).toEqual(['missing attribute "protocol"', 'missing attribute "rpc_version"', 'missing attribute "rpc_number"']);
  });

  it('is not looked up in the services file', () => {
    const config = sandbox.load(entry('rstatd', ['type = RPC', 'socket_type = dgram', 'protocol = udp', 'rpc_version = 2-4', 'wait = yes', 'user = root', 'server = @SERVER@']));
    expect(problemCodes(config)).toEqual(['CONFIG_UNSUPPORTED']);
  });
});

describe('redirect services', () => {
  const base = ['socket_type = stream', 'wait = no', 'user = nobody', 'type = UNLISTED', 'port = 2323', 'redirect = 127.0.0.1 23'];

  it('needs user but no server', () => {
    expect(problemCodes(sandbox.load(entry('redir', base)))).toEqual(['CONFIG_UNSUPPORTED']);
    const noUser = sandbox.load(entry('redir', base.filter((line) => !line.startsWith('user'))));
    expect(findDiagnostic(noUser, 'CONFIG_MISSING_ATTRIBUTE')?.message).toBe('missing attribute "user"');
  });

  it.each([
    ['wait = yes', 'a redirect service must not wait'],
    ['flags = NAMEINARGS', 'a redirect service cannot have NAMEINARGS'],
  ])('rejects %s', (line, message) => {
    const lines = line.startsWith('wait') ? [...base.filter((item) => !item.startsWith('wait')), line] : [...base, line, 'server_args = x'];
    expect(messages(entry('redir', lines))).toContain(message);
  });

  it('rejects a udp redirect', () => {
    const lines = ['socket_type = dgram', 'wait = yes', 'user = nobody', 'type = UNLISTED', 'port = 2323', 'redirect = 127.0.0.1 23'];
    expect(messages(entry('redir', lines))).toContain('only tcp services can be redirected');
  });
});

describe('TCPMUX services', () => {
  it('needs UNLISTED and tcp, but no port', () => {
    const lines = ['type = TCPMUX', 'socket_type = stream', 'protocol = tcp', 'wait = no', 'user = root', 'server = @SERVER@'];
    expect(messages(entry('myhelp', lines))).toContain('a TCPMUX service needs UNLISTED in type');
    const unlisted = sandbox.load(entry('myhelp', ['type = TCPMUXPLUS UNLISTED', ...lines.slice(1)]));
    expect(problemCodes(unlisted)).toEqual(['CONFIG_UNSUPPORTED']);
  });
});

describe('one broken service among good ones', () => {
  it('loads the others', () => {
    const config = sandbox.load(internalService('echo') + entry('broken', ['socket_type = stream', 'wait = no']) + internalService('daytime'));
    expect(serviceIds(config)).toEqual(['echo', 'daytime']);
  });
});

describe('service names', () => {
  it('suggests a close name from the services file', () => {
    const config = sandbox.load(entry('daytme', ['socket_type = stream', 'wait = no', 'user = root', 'server = @SERVER@']));
    expect(findDiagnostic(config, 'CONFIG_UNKNOWN_SERVICE_PORT')?.hint).toMatch(/^did you mean "daytime"\? Or add "type = UNLISTED"/);
  });
});

describe('SENSOR and TRAFFIC', () => {
  it('takes any name for an INTERNAL SENSOR service', () => {
    const config = sandbox.load(entry('telnet', ['flags = SENSOR', 'type = INTERNAL', 'socket_type = stream', 'wait = no']));
    expect(problemCodes(config)).toEqual([]);
  });

  it('accepts TRAFFIC on a redirect service', () => {
    const lines = ['type = UNLISTED', 'port = 2525', 'socket_type = stream', 'wait = no', 'user = nobody', 'redirect = 127.0.0.1 25', 'log_on_success = TRAFFIC'];
    expect(problemCodes(sandbox.load(entry('relay', lines)))).toEqual(['CONFIG_UNSUPPORTED']);
  });
});
