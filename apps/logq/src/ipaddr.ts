/** ipaddr.js, loaded with require for the reason given in commander.ts. */
import { createRequire } from 'node:module';

type IpaddrModule = typeof import('ipaddr.js');

export const ipaddr = createRequire(import.meta.url)('ipaddr.js') as IpaddrModule;
export type { IPv4, IPv6 } from 'ipaddr.js';
