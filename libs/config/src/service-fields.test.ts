import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { externalService, findDiagnostic, internalService, problemCodes, Sandbox, service, serviceIds } from './test-support.js';

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

describe('fields of the tuning attributes', () => {
  it('has the built-in values when nothing sets them', () => {
    const echo = service(sandbox.load(internalService('echo')), 'echo');
    expect({
      perSource: echo.perSource, cps: echo.cps, maxLoad: echo.maxLoad, accessTimes: echo.accessTimes,
      denyTime: echo.denyTime, banner: echo.banner, bannerSuccess: echo.bannerSuccess, bannerFail: echo.bannerFail,
      libwrap: echo.libwrap, env: echo.env, passenv: echo.passenv, umask: echo.umask, nice: echo.nice,
      groups: echo.groups, rlimits: echo.rlimits, redirect: echo.redirect, rpcVersion: echo.rpcVersion,
      rpcNumber: echo.rpcNumber, v6only: echo.v6only,
    }).toEqual({
      perSource: null, cps: { connections: 50, waitSeconds: 10 }, maxLoad: null, accessTimes: null,
      denyTime: null, banner: null, bannerSuccess: null, bannerFail: null,
      libwrap: null, env: [], passenv: null, umask: null, nice: null,
      groups: false, rlimits: { as: null, cpu: null, data: null, rss: null, stack: null, files: null },
      redirect: null, rpcVersion: null, rpcNumber: null, v6only: null,
    });
    expect(echo.origins.get('cps')).toEqual({ origin: 'built-in', position: null });
    expect(echo.origins.get('per_source')).toEqual({ origin: 'built-in', position: null });
  });

  it('takes each value a service sets', () => {
    const config = sandbox.load(externalService('ftp', [
      'per_source = 4', 'cps = 25 30', 'max_load = 2.5', 'access_times = 8:00-12:30 13:00-17:00',
      'banner = /etc/banner', 'banner_success = /etc/ok', 'banner_fail = /etc/no', 'libwrap = in.ftpd',
      'env = A=1 B=2', 'env += C=3', 'passenv = PATH LANG', 'umask = 027', 'nice = -5', 'groups = yes',
      'rlimit_as = 64M', 'rlimit_cpu = 30', 'rlimit_data = UNLIMITED', 'rlimit_rss = 512K',
      'rlimit_stack = 8M', 'rlimit_files = 1K', 'v6only = no',
    ]));
    const ftp = service(config, 'ftp');
    expect(ftp.perSource).toBe(4);
    expect(ftp.cps).toEqual({ connections: 25, waitSeconds: 30 });
    expect(ftp.maxLoad).toBe(2.5);
    expect(ftp.accessTimes).toEqual([{ start: 480, end: 750 }, { start: 780, end: 1020 }]);
    expect([ftp.banner, ftp.bannerSuccess, ftp.bannerFail]).toEqual(['/etc/banner', '/etc/ok', '/etc/no']);
    expect(ftp.libwrap).toBe('in.ftpd');
    expect(ftp.env).toEqual(['A=1', 'B=2', 'C=3']);
    expect(ftp.passenv).toEqual(['PATH', 'LANG']);
    expect([ftp.umask, ftp.nice, ftp.groups, ftp.v6only]).toEqual([0o27, -5, true, false]);
    expect(ftp.rlimits).toEqual({ as: 64 * 1024 * 1024, cpu: 30, data: 'UNLIMITED', rss: 512 * 1024, stack: 8 * 1024 * 1024, files: 1024 });
    expect(ftp.origins.get('cps')?.origin).toBe('service');
  });

  it.each([
    ['cps = 0 10', { cps: null }],
    ['per_source = UNLIMITED', { perSource: null }],
    ['deny_time = FOREVER', { denyTime: 'FOREVER' }],
    ['deny_time = 0', { denyTime: null }],
    ['deny_time = 15', { denyTime: 15 }],
    ['env = A=1', { env: ['A=1'] }],
    ['passenv =', { passenv: [] }],
    ['rlimit_cpu = unlimited', { rlimits: expect.objectContaining({ cpu: 'UNLIMITED' }) }],
  ])('%s', (line, expected) => {
    expect(service(sandbox.load(externalService('ftp', [line])), 'ftp')).toMatchObject(expected);
  });

  it('replaces earlier env strings with "=" and keeps them with "+="', () => {
    const ftp = service(sandbox.load(externalService('ftp', ['env = A=1', 'env = B=2', 'env += C=3'])), 'ftp');
    expect(ftp.env).toEqual(['B=2', 'C=3']);
  });

  it('rejects "-=" on env and disables the service', () => {
    const config = sandbox.load(externalService('ftp', ['env -= A=1']));
    expect(serviceIds(config)).toEqual([]);
    expect(problemCodes(config)).toEqual(['CONFIG_OPERATOR_NOT_SUPPORTED']);
  });

  it.each([
    ['rlimit_as = lots', 'CONFIG_BAD_VALUE'],
    ['rlimit_cpu = 1K', 'CONFIG_BAD_VALUE'],
    ['max_load = 0', 'CONFIG_BAD_VALUE'],
    ['umask = 0999', 'CONFIG_BAD_VALUE'],
    ['cps = 10', 'CONFIG_WRONG_VALUE_COUNT'],
    ['access_times = 12:00-24:00', 'CONFIG_BAD_VALUE'],
  ])('%s keeps the service from loading', (line, code) => {
    const config = sandbox.load(externalService('ftp', [line]));
    expect(serviceIds(config)).toEqual([]);
    expect(problemCodes(config)).toEqual([code]);
  });

  it('freezes the new structures', () => {
    const ftp = service(sandbox.load(externalService('ftp', ['access_times = 8:00-9:00', 'env = A=1'])), 'ftp');
    expect(Object.isFrozen(ftp.cps)).toBe(true);
    expect(Object.isFrozen(ftp.rlimits)).toBe(true);
    expect(Object.isFrozen(ftp.env)).toBe(true);
    expect(Object.isFrozen(ftp.accessTimes)).toBe(true);
    expect(Object.isFrozen(ftp.accessTimes?.[0])).toBe(true);
  });
});

describe('inheritance of the tuning attributes', () => {
  it('fills per_source, cps, max_load, umask, groups and v6only from defaults read later', () => {
    const config = sandbox.load(internalService('echo') + defaults('per_source = 3', 'cps = 5 7', 'max_load = 1.5', 'umask = 077', 'groups = yes', 'v6only = yes'));
    expect(service(config, 'echo')).toMatchObject({
      perSource: 3, cps: { connections: 5, waitSeconds: 7 }, maxLoad: 1.5, umask: 0o77, groups: true, v6only: true,
    });
    expect(service(config, 'echo').origins.get('cps')?.origin).toBe('defaults');
  });

  it('keeps the value the service sets over the defaults', () => {
    const config = sandbox.load(defaults('cps = 5 7', 'per_source = 3') + internalService('echo', ['cps = 0 1', 'per_source = 9']));
    expect(service(config, 'echo')).toMatchObject({ cps: null, perSource: 9 });
  });

  it('copies banners and passenv only into services that start after the defaults', () => {
    const config = sandbox.load(
      internalService('time') +
      defaults('banner = /etc/b', 'banner_success = /etc/s', 'banner_fail = /etc/f', 'passenv = PATH') +
      internalService('echo', ['passenv += LANG']) +
      internalService('daytime', ['banner = /etc/mine', 'passenv = TZ']),
    );
    expect(service(config, 'time')).toMatchObject({ banner: null, passenv: null });
    expect(service(config, 'echo')).toMatchObject({ banner: '/etc/b', bannerSuccess: '/etc/s', bannerFail: '/etc/f', passenv: ['PATH', 'LANG'] });
    expect(service(config, 'daytime')).toMatchObject({ banner: '/etc/mine', bannerFail: '/etc/f', passenv: ['TZ'] });
  });

  it.each(['nice = 5', 'libwrap = x', 'env = A=1', 'rlimit_as = 1M', 'rpc_version = 1'])('%s is not allowed in defaults', (line) => {
    const config = sandbox.load(defaults(line) + internalService('echo'));
    expect(problemCodes(config)).toEqual(['CONFIG_NOT_ALLOWED_IN_DEFAULTS']);
  });
});

describe('redirect and RPC fields', () => {
  it('looks up a redirect port given as a tcp service name', () => {
    const config = sandbox.load(externalService('ftp', ['redirect = 127.0.0.1 nosuchservice']));
    expect(findDiagnostic(config, 'CONFIG_UNKNOWN_SERVICE_PORT')?.message).toContain('nosuchservice');
  });

  it('parses rpc_version and rpc_number, though RPC services do not load yet', () => {
    const config = sandbox.load(externalService('ftp', ['type = RPC UNLISTED', 'protocol = tcp', 'rpc_version = 2-4', 'rpc_number = 100099']));
    expect(problemCodes(config)).toEqual(['CONFIG_UNSUPPORTED']);
  });
});
