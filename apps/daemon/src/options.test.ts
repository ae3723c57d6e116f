import { describe, expect, it } from 'vitest';
import { UsageError, parseOptions } from './options.js';

describe('parseOptions', () => {
  it('reads xinetd\'s single-dash options', () => {
    const options = parseOptions(['-f', '/x.conf', '-filelog', '/log', '-pidfile', '/pid', '-limit', '20', '-stayalive']);
    expect(options).toMatchObject({ configFile: '/x.conf', fileLog: '/log', pidFile: '/pid', processLimit: 20, stayAlive: true, foreground: false });
  });

  it('makes -dontfork imply -stayalive', () => {
    expect(parseOptions(['-dontfork'])).toMatchObject({ foreground: true, stayAlive: true });
  });

  it.each([['--check'], ['-t']])('reads %s', (flag) => {
    expect(parseOptions([flag, '-f', 'x.conf'])).toMatchObject({ check: true, configFile: 'x.conf' });
  });

  it('reads /etc/inetd.conf with -inetd_compat, or the file -inetd_conf names', () => {
    expect(parseOptions([]).inetdConf).toBeNull();
    expect(parseOptions(['-inetd_compat']).inetdConf).toBe('/etc/inetd.conf');
    expect(parseOptions(['-inetd_conf', 'test.conf', '-inetd_compat']).inetdConf).toBe('test.conf');
    expect(parseOptions(['-inetd_compat', '-inetd_conf', 'test.conf']).inetdConf).toBe('test.conf');
  });

  it('keeps going on an unknown option with a hint', () => {
    const options = parseOptions(['-inetd_ipv6', '-filelg']);
    expect(options.warnings).toEqual(['unknown option -filelg ignored (did you mean -filelog?)']);
  });

  it.each([
    [['-f'], '-f needs a value'],
    [['-limit', 'many'], '-limit expects a positive whole number'],
    [['xinetd.conf'], 'unexpected argument "xinetd.conf"'],
    [['-filelog', '/same', '-jsonlog', '/same'], 'must name different files'],
  ])('rejects %j', (argv, message) => {
    expect(() => parseOptions(argv)).toThrow(UsageError);
    expect(() => parseOptions(argv)).toThrow(message);
  });
});
