import { afterEach, describe, expect, it } from 'vitest';
import { clearSecrets, maskDeep, maskSecrets, registerSecrets, secretValuesOf } from './mask.ts';
import { terminalSafe } from './terminal.ts';

afterEach(() => clearSecrets());

const PEM = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----';

describe('maskSecrets', () => {
  it('masks registered secrets, also inside JSON text, longest first; short values are left alone', () => {
    registerSecrets(['shpk_test_4f1c2a9e', PEM, 'abc']);
    expect(maskSecrets('key shpk_test_4f1c2a9e used')).toBe('key *** used');
    expect(maskSecrets(JSON.stringify({ pem: PEM }))).toBe('{"pem":"***"}');
    expect(maskSecrets('abc stays')).toBe('abc stays');
  });

  it('masks URL passwords, private keys and credential headers it was never told about', () => {
    expect(maskSecrets('target `node app.js postgres://app:s3cr3t@127.0.0.1:5432/db` exited')).toBe(
      'target `node app.js postgres://app:***@127.0.0.1:5432/db` exited',
    );
    expect(maskSecrets('redis://:pw@h:6379 and https://example.com/a:b@c')).toBe('redis://:***@h:6379 and https://example.com/a:b@c');
    expect(maskSecrets(`key: ${PEM.replace('PRIVATE', 'RSA PRIVATE').replace('END PRIVATE', 'END RSA PRIVATE')} end`)).toBe(
      'key: -----BEGIN RSA PRIVATE KEY-----***-----END RSA PRIVATE KEY----- end',
    );
    expect(maskSecrets('{"Authorization":"Bearer x\\"y","stripe-signature":"t=1,v1=ab","content-type":"a"}')).toBe(
      '{"Authorization":"***","stripe-signature":"***","content-type":"a"}',
    );
    expect(maskSecrets('POST /x\nauthorization: Bearer tok\nx-api-key: k1\nhost: h')).toBe('POST /x\nauthorization: ***\nx-api-key: ***\nhost: h');
  });

  it('maskDeep masks every string and whole credential fields of a report-like value', () => {
    registerSecrets(['whsec_canary_1234']);
    const masked = maskDeep({ a: ['x whsec_canary_1234'], headers: { authorization: 'Basic Zm9v', 'content-type': 'json' }, n: 3, nil: null });
    expect(masked).toEqual({ a: ['x ***'], headers: { authorization: '***', 'content-type': 'json' }, n: 3, nil: null });
  });
});

describe('secretValuesOf', () => {
  it('finds the values under secret-looking keys: provider secrets and a command target env', () => {
    const config = {
      providers: { shopee: { partnerId: '2001234', partnerKey: 'pk_1234567', accessToken: 'tok_1234567' }, fpx: { privateKeyPem: PEM } },
      target: { start: { kind: 'command', command: 'node', env: { STRIPE_WEBHOOK_SECRET: 'whsec_999999', PORT: '{port}' } } },
      ledger: { table: 'entries' },
    };
    expect(secretValuesOf(config).sort()).toEqual([PEM, 'pk_1234567', 'tok_1234567', 'whsec_999999'].sort());
  });

  it('leaves the parts of a config that hold no secrets alone, whatever their keys are called', () => {
    // A guard named after what it guards (`idempotency-key-…`) and a column mapping for an
    // idempotency key are text every report prints: masking them hid the ignore reason and the column.
    const config = {
      providers: { stripe: { endpointSecret: 'whsec_123456' } },
      ledger: { table: 'entries', columns: { idempotencyKey: 'idempotency_key' } },
      entities: { orders: { keyColumn: 'order_reference' } },
      mutation: { ignore: { 'idempotency-key-lock-expiry': 'reached only when the service dies' } },
    };
    expect(secretValuesOf(config)).toEqual(['whsec_123456']);
  });
});

describe('terminalSafe', () => {
  it('shows control characters as \\xHH, keeping newlines and tabs', () => {
    expect(terminalSafe('evt_\u001b]0;pwned\u0007id\u0000\u001b[2J\r\tok\n', false)).toBe('evt_\\x1b]0;pwned\\x07id\\x00\\x1b[2J\\x0d\tok\n');
  });

  it("keeps idemgate's colours and progress erase only on a colour terminal", () => {
    expect(terminalSafe('\r\u001b[2K\u001b[32m✓\u001b[0m', true)).toBe('\r\u001b[2K\u001b[32m✓\u001b[0m');
    expect(terminalSafe('\u001b[32m✓\u001b[0m', false)).toBe('\\x1b[32m✓\\x1b[0m');
    expect(terminalSafe('\u001b[2J\u009b', true)).toBe('\\x1b[2J\\x9b');
  });
});
