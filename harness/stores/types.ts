/**
 * What a target keeps outside its database that must be emptied between schedules, as configured
 * in `target.stores`. Strings may contain `{IDEMGATE_SESSION}`: a per-session id (the same value
 * the target gets as the IDEMGATE_SESSION environment variable and `{IDEMGATE_SESSION}` in a
 * command's args and env), so parallel sessions — schedule workers, mutants — never share keys.
 */
export type TargetStore = RedisStore | HttpStore;

/** A Redis database the target uses (BullMQ queues, caches, locks). */
export interface RedisStore {
  kind: 'redis';
  /** `redis://[user:password@]host:port[/db]`; the database index defaults to 0. */
  url: string;
  /**
   * Keys starting with this are deleted between schedules (SCAN + UNLINK, in this database only).
   * Never empty: idemgate never deletes a whole database.
   */
  prefix?: string;
  /** BullMQ queues obliterated between schedules (bullmq's `Queue.obliterate({ force: true })`). */
  queues?: string[];
  /** The BullMQ key prefix the target's queues use. Default `bull` (BullMQ's own default). */
  queuePrefix?: string;
}

/** A reset hook the target serves: called between schedules, it must answer 2xx. */
export interface HttpStore {
  kind: 'http';
  /** Absolute URL, or a path (`/test/reset`) on the target's base URL. */
  url: string;
  /** Default `POST`. */
  method?: string;
}

/** The session's id in store strings and a command target's args and env. */
export const SESSION_PLACEHOLDER = '{IDEMGATE_SESSION}';

/** BullMQ's default key prefix. */
export const DEFAULT_QUEUE_PREFIX = 'bull';
