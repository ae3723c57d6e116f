/**
 * logq's entry point. It returns the exit status and never exits the process, so tests call it in-process.
 * The command modules are imported inside main, after a question command's database has
 * started opening (open-early.ts), so that loading them overlaps with the open.
 */
import { LogqError, formatError } from './errors.js';
import { EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, type ExitStatus } from './exit-codes.js';
import type { CliIo } from './io.js';
import { closeEarlyConnection, openEarly } from './open-early.js';

export type { CliIo } from './io.js';

async function reportError(error: unknown, io: CliIo): Promise<ExitStatus> {
  const { CommanderError } = await import('./commander.js');
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
  openEarly(argv, io.env);
  let status: ExitStatus = EXIT_OK;
  try {
    const { buildProgram } = await import('./cli.js');
    const program = await buildProgram(io, (actionStatus) => {
      status = actionStatus;
    }, argv);
    await program.parseAsync(argv, { from: 'user' });
    return status;
  } catch (error) {
    return await reportError(error, io);
  } finally {
    await closeEarlyConnection();
  }
}
