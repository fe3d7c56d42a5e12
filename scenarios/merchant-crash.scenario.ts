import { crashRestart, defineScenario } from '../harness/index.ts';
import { KEY_LOCK_TTL_MS } from '../idemgate.config.ts';

/**
 * The merchant's process dies mid-charge: killed with SIGKILL while its PSP call is held (its
 * client key taken and committed, the charge maybe made at the PSP) or after its answer (stored,
 * never seen), restarted on the same database, and the client retries once the service is back
 * and its lock on the key has expired. Runs the service as a child process (the config's
 * `target.crashStart` when the other scenarios run it in-process).
 */
export const merchantCrash = defineScenario({
  name: 'merchant-crash-restart',
  description: 'the merchant killed mid-charge (at its PSP call or after its answer), restarted, and the client retrying',
  tapes: ['fixtures/tapes/merchant-client.jsonl'],
  // The client retries after the key's lock has expired (a retry before gets 409, and retries again).
  faults: [crashRestart({ downtimeMs: KEY_LOCK_TTL_MS + 500 })],
  maxEdits: 1,
  runs: 8,
});
