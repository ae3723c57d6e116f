/**
 * `xinetd-ts --check` (and `-t`): reads the whole configuration as the daemon would,
 * prints every diagnostic and each service that would run, and exits 0 only when
 * nothing is in error.
 */
import { formatDiagnostic, loadConfig, type LoadedConfig, type LoadOptions } from '#config';
import { unsupportedReason } from '../daemon.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { formatService } from './listing.js';

export interface CheckSettings {
  configFile: string;
  baseDir: string;
  inetdConf: string | null;
}

interface Problem {
  line: string;
  severity: 'error' | 'warning' | 'info';
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** Diagnostics of the loader, then one error for each loaded service the daemon cannot start yet. */
function collectProblems(loaded: LoadedConfig): Problem[] {
  const problems: Problem[] = loaded.diagnostics.map((diagnostic) => ({ line: formatDiagnostic(diagnostic), severity: diagnostic.severity }));
  for (const service of loaded.services) {
    const reason = unsupportedReason(service);
    if (reason === null) continue;
    const where = `${service.position.file}:${service.position.line}`;
    problems.push({ line: `${where}: error: service ${service.id}: is not started: ${reason}`, severity: 'error' });
  }
  return problems;
}

/** Builds the whole report; the text ends with a summary line. */
export function checkReport(settings: CheckSettings): { text: string; errors: number } {
  const options: LoadOptions = { baseDir: settings.baseDir, ...(settings.inetdConf === null ? {} : { inetdConf: settings.inetdConf }) };
  const loaded = loadConfig(settings.configFile, options);
  const problems = collectProblems(loaded);
  const errors = problems.filter((problem) => problem.severity === 'error').length;
  const warnings = problems.filter((problem) => problem.severity === 'warning').length;
  const started = loaded.services.filter((service) => unsupportedReason(service) === null);
  const sections = [
    `# xinetd-ts --check ${settings.configFile}`,
    '# files read:',
    ...loaded.files.map((file) => `#   ${file}`),
    '',
    '# diagnostics:',
    ...problems.map((problem) => problem.line),
    '',
    ...started.map((service) => `${formatService(service)}\n`),
    `# ${plural(started.length, 'service')} would start; ${plural(errors, 'error')}, ${plural(warnings, 'warning')}`,
  ];
  return { text: `${sections.join('\n')}\n`, errors };
}

export function runCheck(settings: CheckSettings, stdout: NodeJS.WritableStream): ExitCode {
  const report = checkReport(settings);
  stdout.write(report.text);
  return report.errors === 0 ? EXIT.OK : EXIT.CONFIG;
}
