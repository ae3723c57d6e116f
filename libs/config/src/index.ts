/** Public API of libs/config: the xinetd.conf loader and the inetd.conf converter. */

export { loadConfig, type LoadOptions } from './load.js';
export { formatDiagnostic } from './diagnostics.js';
export { DIAGNOSTIC_CODES, type CodeInfo, type DiagnosticCode } from './codes.js';
export { describeAttributes, type AttributeInfo, type Support } from './attributes.js';
export type * from './types.js';
export { closestMatch } from './suggest.js';
export { convertInetdConf, type ConvertResult, type InetdProblem } from './inetd-file.js';
