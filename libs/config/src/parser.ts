/**
 * Turns xinetd.conf files into an ordered list of raw entries, following `include` and
 * `includedir` where they appear. Attribute names and values are not interpreted here.
 *
 * Grammar, per significant line (blank lines and `#` comment lines are skipped):
 *   service NAME            then a line holding only `{`, attribute lines, a line holding only `}`
 *   defaults                same body
 *   include FILE            parse FILE as a complete configuration, then continue
 *   includedir DIR          the same for each eligible file of DIR, in byte order
 *   name OP value…          inside an entry; OP is =, += or -=
 */

import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';

import type { DiagnosticCode } from './codes.js';
import { newOwner, type DiagnosticCollector, type DiagnosticOwner } from './diagnostics.js';
import { isLoneToken, MAX_LINE_LENGTH, parseAssignment, significantLines, type ConfigLine, type Operator } from './lexer.js';
import { listIncludeDir, readTextFile } from './sources.js';
import { didYouMean } from './suggest.js';
import type { SourcePosition } from './types.js';

export interface Assignment {
  readonly name: string;
  readonly operator: Operator;
  readonly values: readonly string[];
  readonly position: SourcePosition;
}

export interface Entry {
  readonly kind: 'service' | 'defaults';
  /** The service name; `defaults` for a defaults entry. */
  readonly name: string;
  readonly position: SourcePosition;
  readonly assignments: Assignment[];
  /** Null for a defaults entry, whose problems belong to no service. A syntax error counts on the owner. */
  readonly owner: DiagnosticOwner | null;
  /**
   * Read from inetd.conf for -inetd_compat. As in xinetd, such an entry does not start
   * with the defaults' only_from, no_access, passenv and banners.
   */
  readonly fromInetdConf?: boolean;
}

interface EntryHeader {
  readonly kind: Entry['kind'];
  readonly name: string;
  readonly line: ConfigLine;
  readonly owner: DiagnosticOwner | null;
}

interface LineDetails {
  readonly hint?: string | null;
  readonly owner?: DiagnosticOwner | null;
}

interface ParseContext {
  readonly baseDir: string;
  readonly diagnostics: DiagnosticCollector;
  readonly onEntry: (entry: Entry) => void;
  readonly files: string[];
  /** Real paths of the files being parsed, to stop include cycles. */
  readonly includeStack: string[];
}

const TOP_LEVEL_KEYWORDS = ['service', 'defaults', 'include', 'includedir'];

/**
 * Parses `mainPath` and everything it includes, passing each entry to `onEntry` as soon
 * as it is complete, so that later steps report in file order. Relative paths are
 * resolved against `baseDir`. Returns every file read, the main file first.
 */
export function parseConfigFiles(
  mainPath: string,
  baseDir: string,
  diagnostics: DiagnosticCollector,
  onEntry: (entry: Entry) => void,
): string[] {
  const context: ParseContext = { baseDir, diagnostics, onEntry, files: [], includeStack: [] };
  parseFile(resolve(baseDir, mainPath), context, null);
  return context.files;
}

function parseFile(path: string, context: ParseContext, includedAt: SourcePosition | null): void {
  const realPath = safeRealPath(path);
  if (context.includeStack.includes(realPath)) {
    context.diagnostics.report('CONFIG_INCLUDE_CYCLE', `${path} is already being read; not including it again`, {
      position: includedAt,
      hint: 'remove the include that leads back to this file',
    });
    return;
  }
  const result = readTextFile(path);
  if (!result.ok) {
    const hint = result.code === 'CONFIG_FILE_NOT_FOUND'
      ? 'check the path; relative paths are resolved against the working directory'
      : null;
    context.diagnostics.report(result.code, `cannot read configuration file ${path}: ${result.reason}`, {
      position: includedAt,
      hint,
    });
    return;
  }
  context.files.push(path);
  if (reportNulByte(path, result.text, context.diagnostics)) return;
  reportCrLf(path, result.text, context.diagnostics);
  context.includeStack.push(realPath);
  new FileParser(path, significantLines(result.text), context).run();
  context.includeStack.pop();
}

function safeRealPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/** Reports a NUL byte. Such a file is binary or corrupt, so none of it is parsed. */
function reportNulByte(file: string, text: string, diagnostics: DiagnosticCollector): boolean {
  const index = text.indexOf('\0');
  if (index === -1) return false;
  const line = text.slice(0, index).split('\n').length;
  diagnostics.report('CONFIG_NUL_BYTE', 'the file contains a NUL byte, so none of it is read', {
    position: { file, line },
    hint: 'this is not a text file; remove it from the configuration or restore it from a backup',
  });
  return true;
}

function reportCrLf(file: string, text: string, diagnostics: DiagnosticCollector): void {
  const index = text.indexOf('\r\n');
  if (index === -1) return;
  const line = text.slice(0, index).split('\n').length;
  diagnostics.report('CONFIG_CRLF_LINE_ENDINGS', 'the file has CR-LF line endings', {
    position: { file, line },
    hint: 'convert it to LF line endings (for example with dos2unix)',
  });
}

/** Walks the significant lines of one file. */
class FileParser {
  private index = 0;
  private defaultsSeen = false;

  constructor(
    private readonly file: string,
    private readonly lines: readonly ConfigLine[],
    private readonly context: ParseContext,
  ) {}

  run(): void {
    for (let line = this.next(); line !== undefined; line = this.next()) {
      if (line.tooLong === undefined) this.parseTopLevel(line);
      else this.reportTooLong(line, null);
    }
  }

  private reportTooLong(line: ConfigLine, owner: DiagnosticOwner | null): void {
    const message = `line is ${line.tooLong} characters long, more than the ${MAX_LINE_LENGTH} allowed; it is skipped`;
    this.report('CONFIG_LINE_TOO_LONG', message, line, { owner, hint: 'split the values over several lines with "+="' });
  }

  private next(): ConfigLine | undefined {
    const line = this.lines[this.index];
    if (line !== undefined) this.index += 1;
    return line;
  }

  private position(line: ConfigLine): SourcePosition {
    return { file: this.file, line: line.number };
  }

  private report(code: DiagnosticCode, message: string, line: ConfigLine, details: LineDetails = {}): void {
    this.context.diagnostics.report(code, message, { position: this.position(line), ...details });
  }

  private parseTopLevel(line: ConfigLine): void {
    const keyword = (line.words[0] ?? '').toLowerCase();
    if (keyword === 'service') this.parseServiceHeader(line);
    else if (keyword === 'defaults') this.parseDefaultsHeader(line);
    else if (keyword === 'include') this.parseInclude(line);
    else if (keyword === 'includedir') this.parseIncludeDir(line);
    else this.reportStrayLine(line);
  }

  private reportStrayLine(line: ConfigLine): void {
    const word = line.words[0] ?? '';
    const looksLikeAttribute = parseAssignment(line.text).ok;
    const hint = didYouMean(word, TOP_LEVEL_KEYWORDS) ?? (looksLikeAttribute
      ? 'this attribute is outside any entry; is a "service" line missing?'
      : 'a line outside an entry starts with service, defaults, include or includedir');
    const message = `expected service, defaults, include or includedir, found "${word}"; skipping to the next "}"`;
    this.report('CONFIG_MISSING_KEYWORD', message, line, { hint });
    this.skipPastClosingBrace();
  }

  /** Skips lines up to and including the next line holding only `}`, as xinetd does after a bad entry. */
  private skipPastClosingBrace(): void {
    for (let line = this.next(); line !== undefined; line = this.next()) {
      if (isLoneToken(line, '}')) return;
    }
  }

  private parseServiceHeader(line: ConfigLine): void {
    const name = line.words[1];
    if (name === undefined) {
      const message = 'service name missing; skipping to the next "}"';
      this.report('CONFIG_MISSING_NAME', message, line, { hint: 'write "service NAME"' });
      this.skipPastClosingBrace();
      return;
    }
    const header: EntryHeader = { kind: 'service', name, line, owner: newOwner(name) };
    if (!this.openBody(header)) return;
    this.warnExtraWords(line, 2, header.owner);
    this.context.onEntry(this.parseBody(header));
  }

  private parseDefaultsHeader(line: ConfigLine): void {
    const header: EntryHeader = { kind: 'defaults', name: 'defaults', line, owner: null };
    if (!this.openBody(header)) return;
    this.warnExtraWords(line, 1, null);
    if (this.defaultsSeen) {
      const message = 'only one defaults entry is allowed per file; this one is ignored';
      this.report('CONFIG_DUPLICATE_DEFAULTS', message, line, { hint: 'merge it into the first defaults entry of this file' });
      this.skipPastClosingBrace();
      return;
    }
    this.defaultsSeen = true;
    this.context.onEntry(this.parseBody(header));
  }

  private warnExtraWords(line: ConfigLine, expected: number, owner: DiagnosticOwner | null): void {
    const extra = line.words.slice(expected);
    if (extra.length === 0) return;
    const message = `ignoring extra words after "${line.words.slice(0, expected).join(' ')}": ${extra.join(' ')}`;
    this.report('CONFIG_IGNORED_TOKENS', message, line, { owner });
  }

  /**
   * Consumes the line that must hold only `{`. On failure the entry is skipped up to the
   * next lone `}`, unless the consumed line already was that `}`.
   */
  private openBody(header: EntryHeader): boolean {
    const brace = this.next();
    if (brace !== undefined && isLoneToken(brace, '{')) return true;
    const hint = header.line.words.at(-1) === '{'
      ? 'put "{" on a line of its own'
      : 'the line after the header must hold only "{"';
    const prefix = header.kind === 'defaults' ? 'defaults entry: ' : '';
    const message = `${prefix}missing "{" on the line after the header; skipping the entry`;
    this.report('CONFIG_MISSING_BRACE', message, header.line, { hint, owner: header.owner });
    if (brace !== undefined && !isLoneToken(brace, '}')) this.skipPastClosingBrace();
    return false;
  }

  private parseBody(header: EntryHeader): Entry {
    const entry: Entry = {
      kind: header.kind,
      name: header.name,
      position: this.position(header.line),
      assignments: [],
      owner: header.owner,
    };
    for (let line = this.next(); line !== undefined; line = this.next()) {
      if (isLoneToken(line, '}')) return entry;
      this.parseBodyLine(line, entry);
    }
    const message = `${header.kind === 'service' ? 'entry' : 'defaults entry'} has no closing "}" before the end of the file`;
    this.report('CONFIG_MISSING_BRACE', message, header.line, {
      hint: 'end the entry with a line holding only "}"',
      owner: header.owner,
    });
    return entry;
  }

  private parseBodyLine(line: ConfigLine, entry: Entry): void {
    if (line.tooLong !== undefined) {
      this.reportTooLong(line, entry.owner);
      return;
    }
    const syntax = parseAssignment(line.text);
    if (syntax.ok) {
      const { name, operator, values } = syntax;
      entry.assignments.push({ name, operator, values, position: this.position(line) });
      return;
    }
    const keyword = (line.words[0] ?? '').toLowerCase();
    const hint = TOP_LEVEL_KEYWORDS.includes(keyword) && syntax.code === 'CONFIG_BAD_LINE'
      ? `"${keyword}" is only allowed outside entries; is the "}" of this entry missing?`
      : syntax.hint;
    this.report(syntax.code, syntax.message, line, { hint, owner: entry.owner });
  }

  private includePath(line: ConfigLine): string | null {
    const keyword = (line.words[0] ?? '').toLowerCase();
    const path = line.words[1];
    if (path === undefined) {
      this.report('CONFIG_MISSING_NAME', `${keyword} needs a path`, line, { hint: `write "${keyword} PATH"` });
      return null;
    }
    this.warnExtraWords(line, 2, null);
    return resolve(this.context.baseDir, path);
  }

  private parseInclude(line: ConfigLine): void {
    const path = this.includePath(line);
    if (path !== null) parseFile(path, this.context, this.position(line));
  }

  private parseIncludeDir(line: ConfigLine): void {
    const dir = this.includePath(line);
    if (dir === null) return;
    const listing = listIncludeDir(dir);
    if (!listing.ok) {
      this.report(listing.code, `cannot read included directory ${dir}: ${listing.reason}`, line);
      return;
    }
    for (const skipped of listing.skipped) {
      this.report('CONFIG_NOT_REGULAR_FILE', `${skipped.path} is skipped: ${skipped.reason}`, line);
    }
    for (const file of listing.files) parseFile(file, this.context, this.position(line));
  }
}
