import { describe, expect, it } from 'vitest';
import { parseLine } from './parse.js';

describe('JSON lines that are not objects', () => {
  it.each(['null', '42', '-1.5e3', 'true', 'false', '"x"', '[1]', ' null ', '0'])('rejects %s as not an object', (line) => {
    const result = parseLine(line);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.reason).toBe('not a JSON object');
      expect(result.foreign).toBe(false);
    }
  });

  it.each(['nullable', '42 is the answer', '26/12/4', '-', 'true love'])('rejects %s as no log line', (line) => {
    const result = parseLine(line);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toBe('no xinetd time stamp or syslog prefix');
  });

  it('still parses a classic line that starts with digits', () => {
    const result = parseLine('26/12/4@10:00:00: START: telnet pid=200 from=192.0.2.5');
    expect(result.ok).toBe(true);
  });
});
