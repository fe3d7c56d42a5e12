import { IdemgateError } from '../../errors.ts';
import { exchangeSchema, type Exchange, type Tape, type TapeHeader } from '../../tape/schema.ts';

/** Builds an in-memory tape for tests: one exchange per body, seq 1…n. */
export function tapeOf(
  provider: string,
  path: string,
  bodies: readonly string[],
  options: { upstream?: TapeHeader['upstream']; headers?: Record<string, string>; file?: string } = {},
): Tape & { exchanges: Exchange[] } {
  return {
    file: options.file ?? 'test.jsonl',
    header: {
      format: 'idemgate-tape',
      version: 1,
      name: `${provider}-test`,
      createdAt: '2026-03-09T10:00:00.000+08:00',
      upstream: options.upstream,
    },
    exchanges: bodies.map((body, i) =>
      exchangeSchema.parse({
        seq: i + 1,
        provider,
        method: 'POST',
        path,
        headers: options.headers ?? {},
        body,
        recordedAt: '2026-03-09T10:00:00.000+08:00',
      }),
    ),
  };
}

/** Runs `fn` and returns the IdemgateError it throws; fails the test if it throws nothing or something else. */
export function caught(fn: () => unknown): IdemgateError {
  try {
    fn();
  } catch (e) {
    if (e instanceof IdemgateError) return e;
    throw e;
  }
  throw new Error('expected an IdemgateError');
}
