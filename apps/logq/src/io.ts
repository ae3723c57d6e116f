/** The streams and environment that the CLI runs with, injected so tests can drive it in-process. */

/** A writable text stream: process.stdout, or a test's capture buffer. */
export interface TextOutput {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface CliIo {
  stdout: TextOutput;
  stderr: TextOutput;
  env: Readonly<Record<string, string | undefined>>;
  /** Clock for durations such as `--since 1d`, the system clock by default. Tests pass a fixed time. */
  now?: () => Date;
}

export function currentTime(io: CliIo): Date {
  return io.now ? io.now() : new Date();
}
