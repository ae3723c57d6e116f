import { mkdirSync } from 'node:fs';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { convertInetdService } from './inetd-convert.js';
import { convertInetdConf } from './inetd-file.js';
import { parseInetdLine, type InetdService } from './inetd-line.js';
import { codes, findDiagnostic, internalService, Sandbox, service, serviceIds } from './test-support.js';

function parsed(text: string): InetdService {
  const line = parseInetdLine(text, 1);
  if (line.kind !== 'service') throw new Error(`not a service line: ${JSON.stringify(line)}`);
  return line.service;
}

function converted(text: string, mode: 'convert' | 'compat' = 'convert'): Record<string, string> {
  const result = convertInetdService(parsed(text), { mode });
  return Object.fromEntries(result.attributes.map(([name, values]) => [name, values.join(' ')]));
}

describe('inetd.conf lines', () => {
  it('splits every field', () => {
    expect(parsed('ftp stream tcp nowait.400 root:wheel /usr/sbin/in.ftpd in.ftpd -l -a')).toMatchObject({
      name: 'ftp', socketType: 'stream', protocol: 'tcp', wait: false, maxPerMinute: 400, user: 'root', group: 'wheel',
      server: '/usr/sbin/in.ftpd', argv: ['in.ftpd', '-l', '-a'], bind: null, rpcVersion: null, family: null,
    });
  });

  it.each([
    ['rstatd/1-3 dgram rpc/udp wait root /usr/sbin/rpc.rstatd rpc.rstatd', { name: 'rstatd', rpcVersion: '1-3', protocol: 'udp' }],
    ['127.0.0.1:ftp stream tcp nowait root /bin/ftpd ftpd', { name: 'ftp', bind: '127.0.0.1' }],
    ['[::1]:ftp stream tcp6 nowait root /bin/ftpd ftpd', { bind: '::1', family: 'IPv6' }],
    ['echo dgram udp wait root.daemon internal', { server: null, argv: [], user: 'root', group: 'daemon' }],
  ])('%s', (text, expected) => {
    expect(parsed(text)).toMatchObject(expected);
  });

  it.each([
    ['ftp stream tcp nowait root', 'the server program field is missing'],
    ['ftp stream sctp nowait root /bin/x', 'protocol "sctp" is not known'],
    ['ftp stream tcp sometimes root /bin/x', '"sometimes" is neither wait nor nowait'],
    ['rstatd/1 dgram udp wait root /bin/x', 'an RPC service needs both'],
  ])('rejects %s', (text, message) => {
    const line = parseInetdLine(text, 4);
    expect(line.kind).toBe('invalid');
    expect(line.kind === 'invalid' ? line.message : '').toContain(message);
  });

  it('keeps comments and blank lines', () => {
    expect(parseInetdLine('#ftp stream tcp nowait root /x x', 2).kind).toBe('comment');
    expect(parseInetdLine('   ', 3).kind).toBe('comment');
  });
});

describe('conversion', () => {
  it('gives internal services their -stream and -dgram ids', () => {
    expect(converted('echo stream tcp nowait root internal')).toEqual({ type: 'INTERNAL', id: 'echo-stream', socket_type: 'stream', protocol: 'tcp', wait: 'no' });
    expect(converted('echo dgram udp wait root internal')).toMatchObject({ id: 'echo-dgram', wait: 'yes' });
  });

  it('removes tcpd, taking the program from -daemon-dir', () => {
    const result = convertInetdService(parsed('telnet stream tcp nowait root /usr/sbin/tcpd in.telnetd -h'), { mode: 'convert', daemonDir: '/opt/sbin' });
    expect(Object.fromEntries(result.attributes)).toMatchObject({ server: ['/opt/sbin/in.telnetd'], server_args: ['-h'] });
    expect(result.notes[0]).toContain('tcpd removed');
  });

  it('keeps an absolute program behind tcpd', () => {
    expect(converted('rsync stream tcp nowait root /usr/sbin/tcpd /usr/bin/rsync --daemon')).toMatchObject({ server: '/usr/bin/rsync', server_args: '--daemon' });
  });

  it('uses NAMEINARGS when argv[0] differs from the program name', () => {
    expect(converted('smtp stream tcp nowait mail /usr/sbin/exim4 in.smtpd -bs')).toMatchObject({ flags: 'NAMEINARGS', server_args: 'in.smtpd -bs' });
  });

  it('turns nowait.N into the nearest cps with a note', () => {
    const result = convertInetdService(parsed('ftp stream tcp nowait.400 root /bin/ftpd ftpd'), { mode: 'convert' });
    expect(Object.fromEntries(result.attributes).cps).toEqual(['7', '600']);
    expect(result.notes.join('\n')).toContain('nowait.400');
  });

  it('disables RPC entries, which xinetd-ts does not serve yet', () => {
    const attributes = convertInetdService(parsed('rstatd/1-3 dgram rpc/udp wait root /usr/sbin/rpc.rstatd rpc.rstatd'), { mode: 'convert' }).attributes;
    expect(attributes.map(([name]) => name)).toEqual(['type', 'rpc_version', 'socket_type', 'protocol', 'wait', 'user', 'server', 'disable']);
  });

  it('makes a dgram nowait entry wait', () => {
    expect(converted('talk dgram udp nowait nobody /usr/sbin/in.talkd in.talkd')).toMatchObject({ wait: 'yes' });
  });

  it('reports an unknown internal service', () => {
    expect(convertInetdService(parsed('tcpmux stream tcp nowait root internal'), { mode: 'convert' }).problem?.message).toContain('no built-in service "tcpmux"');
  });

  it('converts a whole file, keeping comments and reporting bad lines', () => {
    const result = convertInetdConf('# header\n\necho stream tcp nowait root internal\nbroken line\n', 'inetd.conf');
    expect(result.text.split('\n').slice(0, 5)).toEqual(['# Converted from inetd.conf by xinetd-ts convert-inetd.', '', '# header', '', '# inetd.conf line 3: echo stream tcp nowait root internal']);
    expect(result.text).toContain('# not converted (the protocol field is missing): broken line');
    expect(result.problems).toEqual([{ line: 4, message: 'the protocol field is missing', hint: expect.any(String) }]);
  });

  it('sets what xinetd sets in compat mode', () => {
    expect(converted('ftp stream tcp nowait root /usr/sbin/tcpd in.ftpd -l', 'compat')).toEqual({
      flags: 'REUSE NOLIBWRAP NAMEINARGS', id: 'ftp', socket_type: 'stream', protocol: 'tcp', wait: 'no', user: 'root',
      groups: 'yes', server: '/usr/sbin/tcpd', server_args: 'in.ftpd -l',
    });
  });
});

describe('-inetd_compat loading', () => {
  let sandbox: Sandbox;
  beforeEach(() => {
    sandbox = new Sandbox();
  });
  afterEach(() => {
    sandbox.remove();
  });

  it('adds the inetd.conf services after the xinetd ones', () => {
    sandbox.write('inetd.conf', `echo stream tcp nowait root internal\nftp stream tcp nowait root ${sandbox.server} ftpd -l\n`);
    const config = sandbox.load(internalService('daytime'), { inetdConf: 'inetd.conf' });
    expect(serviceIds(config)).toEqual(['daytime', 'echo-stream', 'ftp']);
    expect(service(config, 'ftp').argv).toEqual(['ftpd', '-l']);
    expect(service(config, 'ftp').groups).toBe(true);
    expect(service(config, 'ftp').origins.get('server')?.position).toEqual({ file: sandbox.path('inetd.conf'), line: 2 });
    expect(config.files.at(-1)).toBe(sandbox.path('inetd.conf'));
  });

  it('applies bind and log_on_success of the defaults, but not only_from', () => {
    sandbox.write('inetd.conf', 'echo stream tcp nowait root internal\n');
    const defaults = 'defaults\n{\n\tbind = 127.0.0.1\n\tonly_from = 10.0.0.1\n\tlog_on_success = PID\n}\n';
    const echo = service(sandbox.load(defaults, { inetdConf: 'inetd.conf' }), 'echo-stream');
    expect(echo.bind).toBe('127.0.0.1');
    expect([...echo.logOnSuccess]).toEqual(['PID']);
    expect(echo.onlyFrom).toBeNull();
  });

  it('lets a service with the same id hide the inetd.conf entry', () => {
    sandbox.write('inetd.conf', 'echo stream tcp nowait root internal\n');
    const config = sandbox.load(internalService('echo', ['id = echo-stream', 'port = 7']), { inetdConf: 'inetd.conf' });
    expect(serviceIds(config)).toEqual(['echo-stream']);
    expect(codes(config)).toEqual(['CONFIG_INETD_HIDDEN']);
  });

  it('reports bad lines and a missing file', () => {
    sandbox.write('inetd.conf', 'ftp stream\n');
    expect(findDiagnostic(sandbox.load(internalService('echo'), { inetdConf: 'inetd.conf' }), 'CONFIG_INETD_BAD_LINE')?.position?.line).toBe(1);
    const missing = sandbox.load(internalService('echo'), { inetdConf: 'nope.conf' });
    expect(codes(missing)).toEqual(['CONFIG_INETD_MISSING']);
    expect(serviceIds(missing)).toEqual(['echo']);
    mkdirSync(sandbox.path('adir'));
    const unreadable = sandbox.load(internalService('echo'), { inetdConf: 'adir' });
    expect(findDiagnostic(unreadable, 'CONFIG_FILE_UNREADABLE')?.message).toContain('-inetd_compat');
  });
});
