import { describe, expect, it } from 'vitest';
import { passedResult } from './_testing/sample-report.ts';
import { summarise } from '../runner/verdict.ts';
import { formatSummary } from './console.ts';

describe('console summary', () => {
  it('lists the unmodelled events once, after the totals', () => {
    const unmodelled = ['stripe event type customer.created'];
    const text = formatSummary(summarise([{ ...passedResult(), unmodelled }, { ...passedResult(), unmodelled }], 1000));
    expect(text.split('\n').at(-1)).toBe('  unmodelled (replayed with no expected effect or status): stripe event type customer.created');
    expect(formatSummary(summarise([passedResult()], 1000))).not.toContain('unmodelled');
  });
});
