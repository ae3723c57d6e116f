#!/usr/bin/env node
import { main } from '../apps/daemon/dist/main.js';

process.exitCode = await main(process.argv.slice(2), { stderr: process.stderr, env: process.env });
