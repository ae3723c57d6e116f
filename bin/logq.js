#!/usr/bin/env node
import { openEarly } from '../apps/logq/dist/early-open.js';

// Opening the database starts before main.js and its modules load, so that both overlap.
openEarly(process.argv.slice(2), process.env);
const { main } = await import('../apps/logq/dist/main.js');
process.exitCode = await main(process.argv.slice(2), {stdout: process.stdout, stderr: process.stderr, env: process.env});
