/**
 * Hostile configs: whatever `export default` holds, validateConfig returns a config or throws
 * CONFIG_INVALID naming the file — never another exception.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateConfig } from './config-schema.ts';
import { IdemgateError } from './errors.ts';

const valid = {
  target: { start: { kind: 'url', baseUrl: 'http://127.0.0.1:3000' } },
  providers: { stripe: { endpointSecret: 'whsec_x' } },
  ledger: { table: 'entries', columns: { txnId: 't', account: 'a', amount: 'm', currency: 'c', reference: 'r' }, cashAccounts: ['cash'] },
};

function check(value: unknown): void {
  try {
    validateConfig(value, 'hostile.config.ts');
  } catch (e) {
    if (!(e instanceof IdemgateError)) throw new Error(`validateConfig threw ${String(e)}`);
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.message).toMatch(/^hostile\.config\.ts[: ]/);
  }
}

describe('validateConfig on hostile input', () => {
  it('anything at all', () => {
    fc.assert(fc.property(fc.anything(), check), { numRuns: 500 });
  });

  it('a valid config with fields dropped or replaced by anything, at any depth', () => {
    expect(validateConfig(structuredClone(valid), 'hostile.config.ts').ledger?.table).toBe('entries');
    const paths = [['target'], ['target', 'start'], ['target', 'start', 'kind'], ['target', 'start', 'baseUrl'], ['providers'], ['providers', 'stripe'], ['ledger'], ['ledger', 'columns'], ['ledger', 'columns', 'amount'], ['ledger', 'cashAccounts'], ['database'], ['entities'], ['mutation'], ['scenarios']];
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...paths), fc.option(fc.anything(), { nil: undefined })), { maxLength: 4 }), (edits) => {
        const config = structuredClone(valid) as Record<string, unknown>;
        for (const [path, value] of edits) {
          let at: Record<string, unknown> = config;
          for (const key of path.slice(0, -1)) {
            if (typeof at[key] !== 'object' || at[key] === null) at[key] = {};
            at = at[key] as Record<string, unknown>;
          }
          if (value === undefined) delete at[path.at(-1)!];
          else at[path.at(-1)!] = value;
        }
        check(config);
      }),
      { numRuns: 500 },
    );
  });
});
