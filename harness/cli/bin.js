#!/usr/bin/env node
// Entry for `npx idemgate`. In this repository it runs the TypeScript sources; in the installed
// package (which ships this file but no sources) the compiled JavaScript in dist/. Either way it
// registers tsx first, so the user's idemgate.config.ts and scenario files load without a build.
import { existsSync } from 'node:fs';
import { register } from 'tsx/esm/api';

register();
const source = new URL('./main.ts', import.meta.url);
const { main } = await import(existsSync(source) ? source.href : new URL('../../dist/cli/main.js', import.meta.url).href);
process.exitCode = await main(process.argv.slice(2));
