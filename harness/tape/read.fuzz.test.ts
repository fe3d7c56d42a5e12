/**
 * Hostile tapes: whatever the bytes, parseTape returns a tape or throws an IdemgateError whose
 * message starts with `file:line:` — never another exception (control characters in a message
 * are escaped where it is printed: harness/cli/output.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IdemgateError } from '../errors.ts';
import { parseTape } from './read.ts';

const header = { format: 'idemgate-tape', version: 1, name: 't', createdAt: '2026-03-09T10:00:00.000+08:00' };
const exchange = {
  seq: 1,
  provider: 'stripe',
  method: 'POST',
  path: '/hooks/stripe',
  headers: { 'content-type': 'application/json' },
  body: '{"id":"evt_1"}',
  recordedAt: '2026-03-09T10:00:01.000+08:00',
};

/** Either a tape, or the IdemgateError; anything else fails the property. */
function outcome(text: string): { ok: true } | { ok: false; error: IdemgateError } {
  try {
    parseTape(text, 'hostile.jsonl');
    return { ok: true };
  } catch (e) {
    if (e instanceof IdemgateError) return { ok: false, error: e };
    throw new Error(`parseTape threw ${String(e)} for ${JSON.stringify(text).slice(0, 200)}`);
  }
}

const named = (error: IdemgateError, lineCount: number): void => {
  const m = /^hostile\.jsonl:(\d+): /.exec(error.message);
  expect(m, error.message).not.toBeNull();
  expect(Number(m![1])).toBeGreaterThanOrEqual(1);
  expect(Number(m![1])).toBeLessThanOrEqual(Math.max(1, lineCount));
};

/** A JSON value with the shape of an exchange, some fields replaced by anything. */
const mangled = fc
  .record({
    drop: fc.subarray(Object.keys(exchange)),
    replace: fc.dictionary(fc.constantFrom(...Object.keys(exchange), 'bodyEncoding', 'response'), fc.jsonValue()),
  })
  .map(({ drop, replace }) => {
    const e: Record<string, unknown> = { ...exchange, ...replace };
    for (const k of drop) delete e[k];
    return JSON.stringify(e);
  });

describe('parseTape on hostile input', () => {
  it('any text: a tape or an IdemgateError naming file and line', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (text) => {
        const r = outcome(text);
        if (!r.ok) named(r.error, text.split('\n').length);
      }),
      { numRuns: 400 },
    );
  });

  it('a valid header followed by mangled exchanges, junk lines and control bytes', () => {
    const line = fc.oneof(mangled, fc.jsonValue().map((v) => JSON.stringify(v)), fc.string({ unit: 'binary', maxLength: 60 }), fc.constant(''));
    fc.assert(
      fc.property(fc.boolean(), fc.array(line, { maxLength: 6 }), (bom, rest) => {
        const text = `${bom ? '\uFEFF' : ''}${[JSON.stringify(header), ...rest].join('\n')}`;
        const r = outcome(text);
        if (!r.ok) named(r.error, text.split('\n').length);
      }),
      { numRuns: 400 },
    );
  });
});
