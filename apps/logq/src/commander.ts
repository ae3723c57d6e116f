/**
 * commander's values, loaded with require. Importing the CommonJS package from ESM makes
 * Node scan its source for named exports, which took about 10 ms of CPU per command on
 * the 2-core machine of docs/BENCHMARKS.md.
 */
import { createRequire } from 'node:module';

type CommanderModule = typeof import('commander');

const commander = createRequire(import.meta.url)('commander') as CommanderModule;

export const { Command, CommanderError, InvalidArgumentError, Option } = commander;
export type Command = import('commander').Command;
export type Option = import('commander').Option;
