/** Sends SIGHUP to the daemon named by its pidfile, so it re-reads its configuration. */
import { readFileSync } from 'node:fs';
import { LogqError } from '../errors.js';

function readPid(pidfile: string): number {
  let text: string;
  try {
    text = readFileSync(pidfile, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new LogqError('LOGQ_PIDFILE_UNREADABLE', `failed to read pidfile ${pidfile}: ${reason}; check the daemon's -pidfile path`, { cause: error });
  }
  const pid = Number(text.trim());
  if (!Number.isSafeInteger(pid) || pid <= 1) {
    throw new LogqError('LOGQ_PIDFILE_UNREADABLE', `pidfile ${pidfile} contains ${JSON.stringify(text.trim().slice(0, 40))}, not a process id`);
  }
  return pid;
}

/** Signals the daemon and returns its pid. */
export function reloadDaemon(pidfile: string): number {
  const pid = readPid(pidfile);
  try {
    process.kill(pid, 'SIGHUP');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const hint = code === 'ESRCH' ? 'no such process: the daemon is not running, or the pidfile is stale' : code === 'EPERM' ? 'not permitted: run logq as the daemon\'s user or root' : String(error);
    throw new LogqError('LOGQ_SIGNAL_FAILED', `failed to send SIGHUP to pid ${pid} from ${pidfile}: ${hint}`, { cause: error });
  }
  return pid;
}
