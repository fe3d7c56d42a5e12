import fc from 'fast-check';
import { lastStep, stepIndex, type ApplyEdit } from './types.ts';
import { markFirst } from './worker-crash.ts';

/** After step `at`'s delivery, drop the target's Redis connections for a moment. */
export interface RedisDropEdit {
  kind: 'redis-drop';
  at: number;
}

/** What a fault that drops Redis connections needs: a Redis store in `target.stores`. */
export const NEEDS_REDIS = 'redis' as const;

/**
 * Redis drops the target's connections for a moment (a failover, a restarted proxy): once step
 * `at`'s delivery is answered, `CLIENT LIST` on each Redis store of `target.stores`, and
 * `CLIENT KILL ID` on every connection whose name starts with that store's `queuePrefix` + `:`
 * (BullMQ names its workers' blocking connections `<queuePrefix>:<base64(queue)>…`) or its key
 * `prefix` — never idemgate's own connection, never another session's (its prefix has another
 * session id). ioredis reconnects; a job in flight must survive it. Unnamed connections cannot be
 * told apart from other programs' and are left alone. Shrinks toward step 0.
 *
 * @example
 * fc.sample(redisDrop()(10), 1); // [{ kind: 'redis-drop', at: 3 }]
 */
export function redisDrop(): ((stepCount: number) => fc.Arbitrary<RedisDropEdit>) & { readonly needs: readonly 'redis'[] } {
  const fault = (stepCount: number): fc.Arbitrary<RedisDropEdit> => fc.nat(lastStep(stepCount)).map((at): RedisDropEdit => ({ kind: 'redis-drop', at }));
  return Object.assign(fault, { needs: [NEEDS_REDIS] as const });
}

export const applyRedisDrop: ApplyEdit<RedisDropEdit> = (steps, edit) => {
  const at = stepIndex(edit.at, steps.length);
  const next = [...steps];
  next[at] = markFirst(steps[at]!, { redisDrop: true });
  return next;
};
