/**
 * Checks a fragment with the daemon's own configuration loader before it is printed or written:
 * it is included through `includedir` from a scratch configuration with one service, and
 * that service must load with one `no_access` entry per fragment entry.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatDiagnostic, loadConfig } from '#config';

const CHECK_SERVICE = `service echo
{
	id = logq-check
	type = INTERNAL UNLISTED
	socket_type = stream
	port = 7
	wait = no
}
`;

/**
 * Throws when the configuration loader rejects the fragment or reads another number of
 * entries. Either means logq wrote a bad fragment, which is a bug in logq.
 */
export function validateFragment(text: string, fileName: string, entryCount: number): void {
  const dir = mkdtempSync(join(tmpdir(), 'logq-fragment-'));
  try {
    mkdirSync(join(dir, 'include'));
    writeFileSync(join(dir, 'include', fileName), text);
    const main = join(dir, 'xinetd.conf');
    writeFileSync(main, `includedir ${join(dir, 'include')}\n\n${CHECK_SERVICE}`);
    // The check service needs no system database, so missing ones in the scratch
    // directory keep the check independent of this host's /etc files.
    const missing = join(dir, 'none');
    const loaded = loadConfig(main, { baseDir: dir, servicesFile: missing, protocolsFile: missing, passwdFile: missing, groupFile: missing });
    const errors = loaded.diagnostics.filter((diagnostic) => diagnostic.severity === 'error');
    if (errors.length > 0) {
      throw new Error(`the generated fragment does not load:\n${errors.map((error) => formatDiagnostic(error)).join('\n')}\n${text}`);
    }
    const service = loaded.services.find((candidate) => candidate.id === 'logq-check');
    if (!service) throw new Error(`the check service did not load next to the generated fragment:\n${text}`);
    if (service.noAccess.length !== entryCount) {
      throw new Error(`the generated fragment loads with ${service.noAccess.length} no_access entries, expected ${entryCount}:\n${text}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
