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

describe('entries', () => {
  it('loads a minimal internal service', () => {
    const config = sandbox.load(internalService('echo'));
    expect(problemCodes(config)).toEqual([]);
    expect(serviceIds(config)).toEqual(['echo']);
  });

  it('rejects "service foo {" on one line and skips to the next "}"', () => {
    const config = sandbox.load(['service echo {', '\ttype = INTERNAL', '}', internalService('daytime')].join('\n'));
    expect(problemCodes(config)).toEqual(['CONFIG_MISSING_BRACE']);
    expect(findDiagnostic(config, 'CONFIG_MISSING_BRACE')?.hint).toMatch(/own/);
    expect(findDiagnostic(config, 'CONFIG_MISSING_BRACE')?.position?.line).toBe(1);
    expect(serviceIds(config)).toEqual(['daytime']);
  });

  it('rejects "defaults {" on one line', () => {
    const config = sandbox.load(['defaults {', '\tinstances = 5', '}', internalService('echo')].join('\n'));
    expect(problemCodes(config)).toEqual(['CONFIG_MISSING_BRACE']);
    expect(service(config, 'echo').instances).toBeNull();
  });

  it('stops skipping at a lone "}" after the header', () => {
    const config = sandbox.load(['service broken', '}', internalService('echo')].join('\n'));
    expect(problemCodes(config)).toEqual(['CONFIG_MISSING_BRACE']);
    expect(serviceIds(config)).toEqual(['echo']);
  });

  it('reports an entry without closing brace', () => {
    const config = sandbox.load(internalService('daytime') + 'service echo\n{\n\ttype = INTERNAL\n');
    expect(problemCodes(config)).toEqual(['CONFIG_MISSING_BRACE']);
    expect(findDiagnostic(config, 'CONFIG_MISSING_BRACE')?.service).toBe('echo');
    expect(serviceIds(config)).toEqual(['daytime']);
  });

  it('reports a stray line outside entries and skips to the next "}"', () => {
    const config = sandbox.load(['default', '{', '\tinstances = 5', '}', internalService('echo')].join('\n'));
    expect(problemCodes(config)).toEqual(['CONFIG_MISSING_KEYWORD']);
    expect(findDiagnostic(config, 'CONFIG_MISSING_KEYWORD')?.hint).toBe('did you mean "defaults"?');
    expect(serviceIds(config)).toEqual(['echo']);
  });

  it('reports a service line without a name', () => {
    const config = sandbox.load(['service', '{', '}', internalService('echo')].join('\n'));
    expect(problemCodes(config)).toEqual(['CONFIG_MISSING_NAME']);
    expect(serviceIds(config)).toEqual(['echo']);
  });

  it('warns about extra words after the service name', () => {
    const config = sandbox.load(internalService('echo').replace('service echo', 'service echo extra'));
    expect(problemCodes(config)).toEqual(['CONFIG_IGNORED_TOKENS']);
    expect(serviceIds(config)).toEqual(['echo']);
  });

  it('treats keywords, attribute names and keyword values case-insensitively', () => {
    const text = ['SERVICE echo', '{', '\tTYPE = internal', '\tSocket_Type = STREAM', '\tWait = NO', '}', ''].join('\n');
    const config = sandbox.load(text);
    expect(problemCodes(config)).toEqual([]);
    expect(service(config, 'echo').socketType).toBe('stream');
  });

  it('reports the physical line number, comments and blank lines counted', () => {
    const config = sandbox.load(['# one', '', 'service echo', '{', '# five', '\tsever = x', '}'].join('\n'));
    expect(findDiagnostic(config, 'CONFIG_UNKNOWN_ATTRIBUTE')?.position?.line).toBe(6);
  });
});

describe('attribute lines', () => {
  it('rejects a missing space before the operator and disables the service', () => {
    const config = sandbox.load(internalService('echo', ['only_from=127.0.0.1']) + internalService('daytime'));
    expect(problemCodes(config)).toEqual(['CONFIG_MISSING_SPACE']);
    expect(serviceIds(config)).toEqual(['daytime']);
  });

  it('rejects a line without operator', () => {
    const config = sandbox.load(internalService('echo', ['only_from 127.0.0.1']));
    expect(problemCodes(config)).toEqual(['CONFIG_BAD_LINE']);
    expect(serviceIds(config)).toEqual([]);
  });

  it('rejects include inside an entry with a hint about the missing brace', () => {
    const config = sandbox.load(internalService('echo', ['include /etc/other']));
    expect(problemCodes(config)).toEqual(['CONFIG_BAD_LINE']);
    expect(findDiagnostic(config, 'CONFIG_BAD_LINE')?.hint).toMatch(/only allowed outside entries/);
  });

  it('does not treat a trailing # as a comment', () => {
    const config = sandbox.load(internalService('echo').replace('wait = no', 'wait = no # comment'));
    expect(problemCodes(config)).toEqual(['CONFIG_WRONG_VALUE_COUNT']);
    expect(findDiagnostic(config, 'CONFIG_WRONG_VALUE_COUNT')?.hint).toMatch(/comment/);
    expect(serviceIds(config)).toEqual([]);
  });

  it('warns about an unknown attribute, suggests the name and ignores it', () => {
    const config = sandbox.load(externalService('ftp', ['sever = /bin/true']));
    const diagnostic = findDiagnostic(config, 'CONFIG_UNKNOWN_ATTRIBUTE');
    expect(diagnostic?.severity).toBe('warning');
    expect(diagnostic?.hint).toBe('did you mean "server"?');
    expect(diagnostic?.service).toBe('ftp');
    expect(serviceIds(config)).toEqual(['ftp']);
  });

  it('treats mdns as unknown, as xinetd 2.3.15 does', () => {
    const config = sandbox.load(internalService('echo', ['mdns = yes']));
    expect(problemCodes(config)).toEqual(['CONFIG_UNKNOWN_ATTRIBUTE']);
  });

  it('keeps the first value of a repeated single-value attribute', () => {
    const config = sandbox.load(internalService('echo', ['instances = 5', 'instances = 9']));
    expect(problemCodes(config)).toEqual(['CONFIG_DUPLICATE_ATTRIBUTE']);
    expect(service(config, 'echo').instances).toBe(5);
  });

  it('rejects a second log_type in one entry', () => {
    const config = sandbox.load(internalService('echo', ['log_type = SYSLOG daemon', 'log_type = FILE /tmp/x']));
    expect(problemCodes(config)).toEqual(['CONFIG_DUPLICATE_LOG_TYPE']);
    expect(serviceIds(config)).toEqual([]);
  });

  it.each(['+=', '-='])('ignores %s on a single-value attribute', (operator) => {
    const config = sandbox.load(internalService('echo', [`instances ${operator} 5`]));
    expect(problemCodes(config)).toEqual(['CONFIG_OPERATOR_IGNORED']);
    expect(service(config, 'echo').instances).toBeNull();
  });

  it('rejects -= on env', () => {
    const config = sandbox.load(internalService('echo', ['env -= A=1']));
    expect(problemCodes(config)).toEqual(['CONFIG_OPERATOR_NOT_SUPPORTED']);
    expect(serviceIds(config)).toEqual([]);
  });

  it.each([
    ['wait = yes no', 'CONFIG_WRONG_VALUE_COUNT'],
    ['socket_type =', 'CONFIG_WRONG_VALUE_COUNT'],
    ['server_args =', 'CONFIG_WRONG_VALUE_COUNT'],
    ['cps = 10', 'CONFIG_WRONG_VALUE_COUNT'],
    ['instances = many', 'CONFIG_BAD_VALUE'],
    ['flags = REUSE DISABLE', 'CONFIG_BAD_VALUE'],
    ['type = SPECIAL', 'CONFIG_BAD_VALUE'],
    ['log_on_failure = RECORD', 'CONFIG_BAD_VALUE'],
    ['log_on_success = HOST pid bogus', 'CONFIG_BAD_VALUE'],
    ['port = 70000', 'CONFIG_BAD_VALUE'],
    ['access_times = 12:00-24:00', 'CONFIG_BAD_VALUE'],
    ['max_load = 0', 'CONFIG_BAD_VALUE'],
    ['env = NOEQUALS', 'CONFIG_BAD_VALUE'],
  ])('%s disables the service with %s', (line, code) => {
    const echo = ['service echo', '{', `\t${line}`, '\ttype = INTERNAL', '\tsocket_type = stream', '\twait = no', '}', ''];
    const config = sandbox.load(echo.join('\n') + internalService('daytime'));
    expect(problemCodes(config)).toContain(code);
    expect(serviceIds(config)).toEqual(['daytime']);
  });

  it('hints at CR-LF line endings', () => {
    const config = sandbox.load(internalService('echo').replaceAll('\n', '\r\n'));
    expect(codes(config)[0]).toBe('CONFIG_CRLF_LINE_ENDINGS');
    expect(serviceIds(config)).toEqual([]);
  });
});

describe('disable', () => {
  it('drops the service and reads no further lines of it', () => {
    const config = sandbox.load(internalService('echo', ['disable = yes', 'bogus_attribute = 1']) + internalService('daytime'));
    expect(codes(config)).toEqual(['CONFIG_SERVICE_DISABLED']);
    expect(serviceIds(config)).toEqual(['daytime']);
  });

  it('keeps a service with disable = no', () => {
    const config = sandbox.load(internalService('echo', ['disable = no']));
    expect(serviceIds(config)).toEqual(['echo']);
  });
});

describe('access attributes', () => {
  it.each([
    'cps = 25 30',
    'per_source = 10',
    'max_load = 1.5',
    'access_times = 8:00-17:00',
    'banner = /etc/banner',
    'banner_success = /etc/ok',
    'banner_fail = /etc/no',
    'deny_time = FOREVER',
    'libwrap = in.telnetd',
  ])('%s loads without a diagnostic', (line) => {
    const config = sandbox.load(internalService('echo', [line]));
    expect(codes(config)).toEqual([]);
    expect(service(config, 'echo').origins.get(line.split(' ')[0] ?? '')?.origin).toBe('service');
  });

  it('loads a SENSOR service under any name', () => {
    const text = ['service trap', '{', 'type = INTERNAL UNLISTED', 'socket_type = stream', 'protocol = tcp', 'port = 2323', 'wait = no', 'flags = SENSOR', 'deny_time = 5', '}', ''].join('\n');
    const config = sandbox.load(text);
    expect(codes(config)).toEqual([]);
    expect(service(config, 'trap').denyTime).toBe(5);
  });
});

describe('attributes not enforced yet', () => {
  it.each([
    'umask = 027',
    'nice = -5',
    'groups = yes',
    'env = LANG=C',
    'passenv = PATH',
    'rlimit_as = 64M',
    'rlimit_cpu = UNLIMITED',
    'v6only = no',
  ])('%s loads with an info diagnostic and an origin', (line) => {
    const config = sandbox.load(internalService('echo', [line]));
    const name = line.split(' ')[0] ?? '';
    expect(codes(config)).toEqual(['CONFIG_NOT_ENFORCED']);
    expect(findDiagnostic(config, 'CONFIG_NOT_ENFORCED')?.severity).toBe('info');
    expect(service(config, 'echo').origins.get(name)?.origin).toBe('service');
  });
});
