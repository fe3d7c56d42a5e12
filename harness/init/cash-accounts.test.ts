import { describe, expect, it } from 'vitest';
import { findAccountLiterals, looksLikeCash } from './cash-accounts.ts';
import { parseSource } from './source-files.ts';

describe('cash accounts from the source', () => {
  it('collects literals and constants assigned to account properties, cash ones marked', () => {
    const src = parseSource(
      '/p/src/post.ts',
      [
        "const BANK = '1000-bank';",
        'post([',
        "  { accountCode: BANK, amountSen: 100 },",
        "  { accountCode: '4000-revenue', amountSen: -100 },",
        ']);',
        "post([{ account: refund ? '1010-psp-clearing' : 'sales', amount: 1 }]);",
        "const label = { name: 'cash drawer' };",
      ].join('\n'),
      'src/post.ts',
    );
    expect(findAccountLiterals([src])).toEqual([
      { account: '1000-bank', where: 'src/post.ts:3', cash: true },
      { account: '4000-revenue', where: 'src/post.ts:4', cash: false },
      { account: '1010-psp-clearing', where: 'src/post.ts:6', cash: true },
      { account: 'sales', where: 'src/post.ts:6', cash: false },
    ]);
  });

  it('tells cash-like names from income and fee accounts', () => {
    for (const a of ['shopee_wallet', 'fpx_clearing', 'bank', 'accounts_receivable', 'cash']) expect(looksLikeCash(a)).toBe(true);
    for (const a of ['sales', 'marketplace_fees', 'revenue', 'tax_payable']) expect(looksLikeCash(a)).toBe(false);
  });
});
