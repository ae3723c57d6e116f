/**
 * A pids cgroup made for one test, to cap how many processes and threads the daemon and its
 * helpers may have. RLIMIT_NPROC does not bind root, a pids cgroup does. Both the v1
 * hierarchy (/sys/fs/cgroup/pids) and a v2 hierarchy with the pids controller enabled work.
 */
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const V1_ROOT = '/sys/fs/cgroup/pids';
const V2_ROOT = '/sys/fs/cgroup';

/** Finds the hierarchy to make cgroups in; null when this machine has no usable pids controller. */
export function pidsHierarchy(): string | null {
  if (process.getuid?.() !== 0) return null;
  if (existsSync(join(V1_ROOT, 'cgroup.procs'))) return V1_ROOT;
  try {
    const enabled = readFileSync(join(V2_ROOT, 'cgroup.subtree_control'), 'utf8');
    return enabled.split(/\s+/).includes('pids') ? V2_ROOT : null;
  } catch {
    return null;
  }
}

export class PidsCgroup {
  readonly path: string;

  constructor(
    private readonly root: string,
    name: string,
  ) {
    this.path = join(root, name);
    mkdirSync(this.path);
  }

  /** Moves each process, with all its threads, into the cgroup; one that has just exited is skipped. */
  add(pids: number[]): void {
    for (const pid of pids) {
      try {
        writeFileSync(join(this.path, 'cgroup.procs'), String(pid));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
      }
    }
  }

  /** Tasks (threads) now charged to the cgroup. */
  current(): number {
    return Number(readFileSync(join(this.path, 'pids.current'), 'utf8'));
  }

  limit(max: number | 'max'): void {
    writeFileSync(join(this.path, 'pids.max'), String(max));
  }

  /** Counts the forks that the cgroup refused so far. */
  refusals(): number {
    const match = /max (\d+)/.exec(readFileSync(join(this.path, 'pids.events'), 'utf8'));
    return match ? Number(match[1]) : 0;
  }

  /** Moves whatever still runs back to the root cgroup and removes this one. */
  remove(): void {
    if (!existsSync(this.path)) return;
    this.limit('max');
    for (const pid of readFileSync(join(this.path, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean)) {
      try {
        writeFileSync(join(this.root, 'cgroup.procs'), pid);
      } catch {
        // It exited meanwhile.
      }
    }
    rmdirSync(this.path);
  }
}
