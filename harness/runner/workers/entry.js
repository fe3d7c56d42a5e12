// A schedule worker thread's entry: registers tsx (like bin.js) so the user's config and scenario
// files load, then runs the worker: the TypeScript source in this repository, the compiled
// worker.js in the installed package (dist/runner/workers/entry.js is a copy of this file).
import { existsSync } from 'node:fs';
import { register } from 'tsx/esm/api';

register();
const source = new URL('./worker.ts', import.meta.url);
await import(existsSync(source) ? source.href : new URL('./worker.js', import.meta.url).href);
