/**
 * `xinetd-ts convert-inetd [-daemon-dir DIR] [FILE]`: writes xinetd.conf entries for an
 * inetd.conf (standard input without FILE) to standard output. Lines it cannot convert
 * are kept as comments and reported on standard error, and the status is then 1.
 */
import { readFileSync } from 'node:fs';
import { convertInetdConf } from '#config';
import { EXIT, type ExitCode } from '../exit-codes.js';

export const CONVERT_USAGE = 'Usage: xinetd-ts convert-inetd [-daemon-dir dir] [inetd.conf]';

export interface ConvertIo {
  stdin: () => string;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

interface ConvertArguments {
  file: string | null;
  daemonDir: string | undefined;
}

function parseArguments(argv: readonly string[]): ConvertArguments | string {
  const parsed: ConvertArguments = { file: null, daemonDir: undefined };
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i]!;
    if (argument === '-daemon-dir' || argument === '-daemon_dir') {
      parsed.daemonDir = argv[++i];
      if (parsed.daemonDir === undefined) return `${argument} needs a directory`;
    } else if (argument.startsWith('-') && argument !== '-') {
      return `unknown option ${argument}`;
    } else if (parsed.file === null) {
      parsed.file = argument;
    } else {
      return `unexpected argument "${argument}": give one inetd.conf file`;
    }
  }
  return parsed;
}

function readInput(file: string | null, io: ConvertIo): string {
  return file === null || file === '-' ? io.stdin() : readFileSync(file, 'utf8');
}

export function runConvertInetd(argv: readonly string[], io: ConvertIo): ExitCode {
  const parsed = parseArguments(argv);
  if (typeof parsed === 'string') {
    io.stderr.write(`xinetd-ts convert-inetd: ${parsed}\n${CONVERT_USAGE}\n`);
    return EXIT.CONFIG;
  }
  const source = parsed.file ?? 'standard input';
  let text: string;
  try {
    text = readInput(parsed.file, io);
  } catch (error) {
    io.stderr.write(`xinetd-ts convert-inetd: unable to read ${source}: ${(error as Error).message}\n`);
    return EXIT.CONFIG;
  }
  const result = convertInetdConf(text, source, parsed.daemonDir === undefined ? {} : { daemonDir: parsed.daemonDir });
  io.stdout.write(result.text);
  for (const problem of result.problems) {
    io.stderr.write(`${source}:${problem.line}: error: ${problem.message} (${problem.hint}); kept as a comment\n`);
  }
  return result.problems.length === 0 ? EXIT.OK : EXIT.CONFIG;
}
