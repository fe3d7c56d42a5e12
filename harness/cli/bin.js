#!/usr/bin/env node
// Entry for `npx idemgate`: registers tsx so the TypeScript harness, the user's
// idemgate.config.ts and scenario files load without a build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
