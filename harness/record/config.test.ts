import { describe, expect, it } from 'vitest';
import { validateConfig } from '../config-schema.ts';

const valid = { target: { start: { kind: 'url', baseUrl: 'http://127.0.0.1:3000' } }, providers: {} };
const problem = (record: unknown): string => {
  try {
    validateConfig({ ...valid, record }, 'idemgate.config.ts');
  } catch (e) {
    return (e as Error).message;
  }
  return 'accepted';
};

describe('the config key record', () => {
  it('takes redaction fields, the pseudonym variable and real API base URLs', () => {
    const record = {
      redact: { jsonPaths: ['data.object.metadata.customer_ref'], formFields: ['buyer_ic'], headers: ['x-customer-id'] },
      pseudonymEnv: 'INCIDENT_PSEUDONYM_KEY',
      upstream: { shopee: 'https://partner.shopeemobile.com' },
    };

    expect(validateConfig({ ...valid, record }, 'idemgate.config.ts').record).toEqual(record);
  });

  it('names the field that is wrong', () => {
    expect(problem({ upstream: { shopee: 'partner.shopeemobile.com' } })).toContain('record.upstream.shopee');
    expect(problem({ pseudonymEnv: 'not a name' })).toContain('record.pseudonymEnv');
    expect(problem({ redact: { jsonPath: ['a'] } })).toContain('record.redact');
    expect(problem({ redact: { headers: [''] } })).toContain('record.redact.headers.0');
  });
});
