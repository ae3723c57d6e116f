export * from './events.js';
export * from './record.js';
export * from './timestamp.js';
export * from './classic.js';
export * from './jsonl.js';
export * from './parse.js';
export { SAMPLES, type Sample } from './samples.js';
export { parseSyslogPrefix, splitSyslogTag, type SyslogPrefix, type SyslogTag } from './prefix.js';
