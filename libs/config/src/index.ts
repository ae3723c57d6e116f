/** Public API of libs/config: the xinetd.conf loader. */

export { loadConfig, type LoadOptions } from './load.js';
export { formatDiagnostic } from './diagnostics.js';
export { DIAGNOSTIC_CODES, type CodeInfo, type DiagnosticCode } from './codes.js';
export type * from './types.js';
export { closestMatch } from './suggest.js';
