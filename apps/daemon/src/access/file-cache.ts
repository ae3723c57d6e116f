/**
 * Re-reads a small system file only when its size or modification time changed, so that
 * hosts.allow and friends can be checked on every connection, as libwrap does, without
 * parsing them every time.
 */
import { readFileSync, statSync } from 'node:fs';

export class ParsedFile<T> {
  private readonly path: string;
  private readonly parse: (text: string, readError: Error | null) => T;
  private readonly onChange: (value: T) => void;
  private stamp = '';
  private value: T;

  /** `onChange` runs once per new version of the file, for example to report its problems. */
  constructor(path: string, parse: (text: string, readError: Error | null) => T, onChange: (value: T) => void = () => undefined) {
    this.path = path;
    this.parse = parse;
    this.onChange = onChange;
    this.value = parse('', null);
  }

  /** Returns the parsed file; a missing file reads as empty, and an unreadable one passes its error to `parse`. */
  get(): T {
    let stamp = 'missing';
    try {
      const stat = statSync(this.path);
      stamp = `${stat.size}:${stat.mtimeMs}:${stat.ino}`;
    } catch {
      // A missing file is the same as an empty one, as for libwrap and getnetbyname.
    }
    if (stamp === this.stamp) return this.value;
    this.stamp = stamp;
    this.value = stamp === 'missing' ? this.parse('', null) : this.read();
    this.onChange(this.value);
    return this.value;
  }

  private read(): T {
    try {
      return this.parse(readFileSync(this.path, 'utf8'), null);
    } catch (error) {
      return this.parse('', error as Error);
    }
  }
}
