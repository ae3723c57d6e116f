/**
 * xinetd closes every descriptor above 2 at start-up, so that nothing its parent leaked
 * reaches a server. Node opens all of its own descriptors close-on-exec; one without that
 * flag was inherited, and the plain spawn path would pass it on to every server.
 */
import { closeSync, readdirSync, readFileSync } from 'node:fs';

const O_CLOEXEC = 0o2000000;

function isCloseOnExec(fd: number): boolean {
  const info = readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8');
  const flags = /^flags:\s+([0-7]+)/m.exec(info);
  return flags !== null && (Number.parseInt(flags[1]!, 8) & O_CLOEXEC) !== 0;
}

/** Closes the inherited descriptors above 2, except `keep` (the IPC channel to a parent). Without /proc, does nothing. */
export function closeInheritedDescriptors(keep: ReadonlySet<number>): void {
  let entries: string[];
  try {
    entries = readdirSync('/proc/self/fd');
  } catch {
    return;
  }
  for (const entry of entries) {
    const fd = Number(entry);
    if (fd <= 2 || keep.has(fd)) continue;
    try {
      if (!isCloseOnExec(fd)) closeSync(fd);
    } catch {
      // The descriptor of the directory listing itself is gone by now.
    }
  }
}
