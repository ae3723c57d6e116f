/** logq's entry point. It returns the exit status and never exits the process, so tests call it in-process. */
import { CommanderError } from './commander.js';
import { buildProgram } from './cli.js';
import { LogqError, formatError } from './errors.js';
import { EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, type ExitStatus } from './exit-codes.js';
import type { CliIo } from './io.js';

export type { CliIo } from './io.js';

function reportError(error: unknown, io: CliIo): ExitStatus {
  // commander has already printed its message (or the help) through io.
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
  if (error instanceof LogqError) {
    io.stderr.write(formatError(error));
    return error.exitStatus;
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  io.stderr.write(`logq: internal error, which is a bug in logq; please report it with the command line that caused it:\n${detail}\n`);
  return EXIT_INTERNAL;
}

/**
 * Stops `logq fails | head` from crashing with an unhandled EPIPE error once the reader
 * has gone. The rest of the output has nowhere to go, so it is dropped.
 */
function ignoreClosedPipe(output: CliIo['stdout']): void {
  const stream = output as Partial<NodeJS.WritableStream>;
  if (typeof stream.on !== 'function' || stream.listenerCount?.('error')) return;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

/** Runs the logq command line `argv` (without the node and script paths) and returns its exit status. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  ignoreClosedPipe(io.stdout);
  let status: ExitStatus = EXIT_OK;
  const program = buildProgram(io, (actionStatus) => {
    status = actionStatus;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return status;
  } catch (error) {
    return reportError(error, io);
  }
}
