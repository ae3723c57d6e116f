import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { codes, findDiagnostic, internalService, problemCodes, Sandbox, service, serviceIds } from './test-support.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(() => {
  sandbox.remove();
});

function defaults(...lines: string[]): string {
  return ['defaults', '{', ...lines.map((line) => `\t${line}`), '}', ''].join('\n');
}

describe('list attributes copied when a service starts', () => {
  it.each([
    ['only_from += 127.0.0.1', ['10.0.0.0', '127.0.0.1']],
    ['only_from = 127.0.0.1', ['127.0.0.1']],
    ['only_from -= 10.0.0.0/8', []],
    ['only_from -= 10.0.0.0/16', ['10.0.0.0']],
  ])('%s on an inherited list', (line, expected) => {
    const config = sandbox.load(defaults('only_from = 10.0.0.0') + internalService('echo', [line]));
    expect(service(config, 'echo').onlyFrom).toEqual(expected);
  });

  it('warns when a later defaults sets a copied list', () => {
    const config = sandbox.load(internalService('echo') + defaults('no_access += 198.51.100.7') + internalService('daytime'));

    expect(service(config, 'echo').noAccess).toEqual([]);
    expect(service(config, 'daytime').noAccess).toEqual(['198.51.100.7']);
    const late = findDiagnostic(config, 'CONFIG_DEFAULTS_AFTER_SERVICES');
    expect(late?.severity).toBe('warning');
    expect(late?.message).toBe('defaults sets "no_access" after 1 service (echo), which keeps the values it copied before it');
    expect(late?.hint).toContain('00-name');
  });

  it('does not warn for defaults first or settings not copied', () => {
    const first = sandbox.load(defaults('no_access = 198.51.100.7') + internalService('echo'));
    const instances = sandbox.load(internalService('echo') + defaults('instances = 5'));

    expect(codes(first)).not.toContain('CONFIG_DEFAULTS_AFTER_SERVICES');
    expect(codes(instances)).not.toContain('CONFIG_DEFAULTS_AFTER_SERVICES');
  });

  it('removes one network of a factorized token', () => {
    const config = sandbox.load(defaults('no_access = 192.168.{1,2} 10.9.9.9') + internalService('echo', ['no_access -= 192.168.1.0 10.9.9.9']));
    expect(service(config, 'echo').noAccess).toEqual(['192.168.2.0/24']);
  });

  it('adds and removes log flags on the inherited set', () => {
    const config = sandbox.load(defaults('log_on_success = HOST PID', 'log_on_failure = HOST') + internalService('echo', ['log_on_success -= PID', 'log_on_success += DURATION', 'log_on_failure += ATTEMPT']));
    expect([...service(config, 'echo').logOnSuccess]).toEqual(['HOST', 'DURATION']);
    expect([...service(config, 'echo').logOnFailure]).toEqual(['HOST', 'ATTEMPT']);
  });

  it('treats "=" in defaults as "+="', () => {
    const config = sandbox.load(defaults('log_on_success = HOST', 'log_on_success = PID', 'only_from = 10.0.0.1', 'only_from = 10.0.0.2') + internalService('echo'));
    expect([...service(config, 'echo').logOnSuccess]).toEqual(['HOST', 'PID']);
    expect(service(config, 'echo').onlyFrom).toEqual(['10.0.0.1', '10.0.0.2']);
  });

  it('does not give only_from to a service that started before the defaults', () => {
    const config = sandbox.load(internalService('echo') + defaults('only_from = 10.0.0.0'));
    expect(service(config, 'echo').onlyFrom).toBeNull();
  });

  it('records the defaults line as origin', () => {
    const config = sandbox.load(defaults('only_from = 10.0.0.0') + internalService('echo'));
    expect(service(config, 'echo').origins.get('only_from')).toEqual({
      origin: 'defaults',
      position: { file: sandbox.path('xinetd.conf'), line: 3 },
    });
  });
});

describe('attributes filled after the whole configuration is read', () => {
  it('fills instances, bind, log_type and log flags from defaults that come later', () => {
    const config = sandbox.load(internalService('echo') + defaults('instances = 30', 'bind = 127.0.0.1', 'log_type = SYSLOG authpriv', 'log_on_success = PID'));
    const echo = service(config, 'echo');
    expect(echo.instances).toBe(30);
    expect(echo.bind).toBe('127.0.0.1');
    expect(echo.logType).toEqual({ kind: 'SYSLOG', facility: 'authpriv', level: 'info' });
    expect([...echo.logOnSuccess]).toEqual(['PID']);
    expect(echo.origins.get('instances')?.origin).toBe('defaults');
  });

  it('keeps the value the service sets itself', () => {
    const config = sandbox.load(defaults('instances = 30', 'log_type = FILE /var/log/common') + internalService('echo', ['instances = UNLIMITED', 'log_type = SYSLOG daemon debug']));
    const echo = service(config, 'echo');
    expect(echo.instances).toBeNull();
    expect(echo.logType).toEqual({ kind: 'SYSLOG', facility: 'daemon', level: 'debug' });
    expect(echo.origins.get('instances')?.origin).toBe('service');
  });

  it('uses the built-in values when nothing sets them', () => {
    const echo = service(sandbox.load(internalService('echo')), 'echo');
    expect(echo.instances).toBeNull();
    expect(echo.origins.get('instances')).toEqual({ origin: 'built-in', position: null });
    expect(echo.logType).toBeNull();
    expect(echo.bind).toBeNull();
    expect(echo.onlyFrom).toBeNull();
    expect(echo.noAccess).toEqual([]);
  });
});

describe('where attributes are allowed', () => {
  it.each(['wait = yes', 'access_times = 8:00-9:00', 'server = /bin/true', 'deny_time = 10'])('%s is ignored in defaults with a warning', (line) => {
    const config = sandbox.load(defaults(line) + internalService('echo'));
    expect(problemCodes(config)).toEqual(['CONFIG_NOT_ALLOWED_IN_DEFAULTS']);
    expect(findDiagnostic(config, 'CONFIG_NOT_ALLOWED_IN_DEFAULTS')?.service).toBeNull();
  });

  it.each(['enabled = echo', 'disabled = echo'])('%s is ignored in a service with a warning', (line) => {
    const config = sandbox.load(internalService('echo', [line]));
    expect(problemCodes(config)).toEqual(['CONFIG_NOT_ALLOWED_IN_SERVICE']);
    expect(serviceIds(config)).toEqual(['echo']);
  });

  it('suggests only names allowed in defaults', () => {
    const config = sandbox.load(defaults('instanses = 5') + internalService('echo'));
    expect(findDiagnostic(config, 'CONFIG_UNKNOWN_ATTRIBUTE')?.hint).toBe('did you mean "instances"?');
  });
});

describe('enabled and disabled lists', () => {
  const three = internalService('echo') + internalService('daytime') + internalService('time');

  it('removes the services named in disabled, case-insensitively', () => {
    const config = sandbox.load(defaults('disabled = ECHO') + three);
    expect(serviceIds(config)).toEqual(['daytime', 'time']);
    expect(codes(config)).toEqual(['CONFIG_SERVICE_DISABLED']);
  });

  it('treats -= on disabled as adding, as xinetd does', () => {
    const config = sandbox.load(defaults('disabled = echo', 'disabled -= time') + three);
    expect(serviceIds(config)).toEqual(['daytime']);
  });

  it('keeps only the services named in enabled', () => {
    const config = sandbox.load(defaults('enabled = time echo') + three);
    expect(serviceIds(config)).toEqual(['echo', 'time']);
  });

  it('matches the id, not the name', () => {
    const config = sandbox.load(defaults('disabled = echo-stream') + internalService('echo', ['id = echo-stream']) + internalService('time'));
    expect(serviceIds(config)).toEqual(['time']);
  });
});

describe('invalid defaults lines', () => {
  it('reports the line and does not load services that would inherit it', () => {
    const config = sandbox.load(defaults('bind = localhost') + internalService('echo') + internalService('time', ['bind = 127.0.0.1']));
    expect(problemCodes(config)).toEqual(['CONFIG_BAD_BIND', 'CONFIG_BAD_DEFAULT']);
    expect(findDiagnostic(config, 'CONFIG_BAD_BIND')?.service).toBeNull();
    expect(findDiagnostic(config, 'CONFIG_BAD_DEFAULT')?.service).toBe('echo');
    expect(serviceIds(config)).toEqual(['time']);
  });

  it('lets a service replace a broken list with "=" but not extend it with "+="', () => {
    const text = defaults('no_access = 10.0.0.1,10.0.0.2') + internalService('echo', ['no_access = 10.0.0.1']) + internalService('time', ['no_access += 10.0.0.3']);
    const config = sandbox.load(text);
    expect(problemCodes(config)).toEqual(['CONFIG_BAD_ADDRESS', 'CONFIG_BAD_DEFAULT']);
    expect(serviceIds(config)).toEqual(['echo']);
  });

  it('reports a wrong value count in defaults without a service', () => {
    const config = sandbox.load(defaults('instances = 1 2') + internalService('echo', ['instances = 4']));
    expect(problemCodes(config)).toEqual(['CONFIG_WRONG_VALUE_COUNT']);
    expect(serviceIds(config)).toEqual(['echo']);
  });
});

describe('empty only_from', () => {
  it('keeps an explicitly empty list and warns that every client is rejected', () => {
    const config = sandbox.load(internalService('echo', ['only_from =']));
    expect(service(config, 'echo').onlyFrom).toEqual([]);
    expect(problemCodes(config)).toEqual(['CONFIG_EMPTY_ONLY_FROM']);
  });

  it('creates an empty list when -= applies to nothing, as xinetd does', () => {
    const config = sandbox.load(internalService('echo', ['only_from -= 10.0.0.1']));
    expect(service(config, 'echo').onlyFrom).toEqual([]);
    expect(problemCodes(config)).toEqual(['CONFIG_EMPTY_ONLY_FROM']);
  });
});
