// A schedule worker thread's entry: registers tsx (like bin.js) so the TypeScript harness and the
// user's config and scenario files load, then runs the worker.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
