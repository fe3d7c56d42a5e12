import { describe, expect, expectTypeOf, it } from 'vitest';
import { describeError, errorCodeOf, IdemgateError, isIdemgateError, type DetailsOf } from './errors.ts';
import { requireInteger } from './faults/types.ts';

describe('IdemgateError', () => {
  it('carries a code, typed details and the cause', () => {
    const cause = new Error('ENOENT');
    const e = new IdemgateError('TAPE_INVALID', 'a.jsonl:3: bad', { cause, details: { file: 'a.jsonl', line: 3 } });

    expect(e).toBeInstanceOf(Error);
    expect(e.cause).toBe(cause);
    expect(e.details).toEqual({ file: 'a.jsonl', line: 3 });
    expectTypeOf(e.details).toEqualTypeOf<DetailsOf<'TAPE_INVALID'>>();
    expect(describeError(e)).toBe('[TAPE_INVALID] a.jsonl:3: bad (cause: ENOENT)');
  });

  it('defaults details to {} for codes that carry none, and requires them where they have required fields', () => {
    expect(new IdemgateError('USAGE', 'no').details).toEqual({});
    // @ts-expect-error TAPE_INVALID must say which file and line
    expect(new IdemgateError('TAPE_INVALID', 'bad').details).toEqual({});
  });

  it('isIdemgateError narrows to the code and its details', () => {
    const e: unknown = new IdemgateError('PROVIDER_UNKNOWN', 'unknown provider "x"', { details: { provider: 'x', known: ['stripe'] } });

    expect(isIdemgateError(e)).toBe(true);
    expect(isIdemgateError(e, 'TAPE_INVALID')).toBe(false);
    expect(isIdemgateError(new Error('x'))).toBe(false);
    if (!isIdemgateError(e, 'PROVIDER_UNKNOWN')) throw new Error('expected PROVIDER_UNKNOWN');
    expectTypeOf(e.details.known).toEqualTypeOf<string[]>();
    expect(e.details.known).toEqual(['stripe']);
  });

  it('reports INTERNAL for anything that is not an IdemgateError', () => {
    expect(errorCodeOf(new TypeError('x is undefined'))).toBe('INTERNAL');
    expect(errorCodeOf('thrown string')).toBe('INTERNAL');
    expect(errorCodeOf(new IdemgateError('USAGE', 'no'))).toBe('USAGE');
  });

  it('a fault option out of range is FAULT_INVALID naming the fault and option', () => {
    let caught: unknown;
    try {
      requireInteger('sequentialDuplicates', 'maxGap', 0.5, 1);
    } catch (e) {
      caught = e;
    }
    expect(isIdemgateError(caught, 'FAULT_INVALID')).toBe(true);
    expect(caught).toMatchObject({
      code: 'FAULT_INVALID',
      message: 'sequentialDuplicates: maxGap must be an integer >= 1, got 0.5',
      details: { fault: 'sequentialDuplicates', option: 'maxGap' },
    });
  });
});
