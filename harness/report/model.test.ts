import { describe, expect, it } from 'vitest';
import { harnessErrorText } from './model.ts';

describe('harnessErrorText', () => {
  it('shows the code once, whether or not the message already starts with it', () => {
    expect(harnessErrorText({ code: 'TAPE_NOT_FOUND', message: '[TAPE_NOT_FOUND] t.jsonl: no such file' })).toBe('[TAPE_NOT_FOUND] t.jsonl: no such file');
    expect(harnessErrorText({ code: 'INTERNAL', message: 'Error: boom' })).toBe('[INTERNAL] Error: boom');
  });
});
