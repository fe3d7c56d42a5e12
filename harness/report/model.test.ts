import { describe, expect, it } from 'vitest';
import { errorMessageOf, IdemgateError } from '../errors.ts';
import { harnessErrorText } from './model.ts';

describe('harnessErrorText', () => {
  it('shows the code once, in front of the message the runner stored', () => {
    // The runner stores the message without the code (errorMessageOf), so no renderer can repeat it.
    const message = errorMessageOf(new IdemgateError('TAPE_NOT_FOUND', 't.jsonl: no such file', { details: { file: 't.jsonl' } }));
    expect(message).toBe('t.jsonl: no such file');
    expect(harnessErrorText({ code: 'TAPE_NOT_FOUND', message })).toBe('[TAPE_NOT_FOUND] t.jsonl: no such file');
    expect(harnessErrorText({ code: 'INTERNAL', message: 'Error: boom' })).toBe('[INTERNAL] Error: boom');
  });
});
