import { describe, expect, it } from 'vitest';
import { exchangeSchema, tapeHeaderSchema, TAPE_FORMAT, TAPE_VERSION } from './schema.ts';

const exchange = {
  seq: 1,
  provider: 'fpx',
  method: 'POST',
  path: '/fpx/ac',
  body: 'a=1',
  recordedAt: '2026-03-09T10:00:00+08:00',
};

describe('exchangeSchema', () => {
  it('fills the defaults: no headers, a utf8 body', () => {
    expect(exchangeSchema.parse(exchange)).toEqual({ ...exchange, headers: {}, bodyEncoding: 'utf8' });
  });

  it('takes base64 bodies as Buffer writes them, the empty one included, and refuses anything else', () => {
    for (const body of ['', 'AA==', 'AAE=', 'AAEC', '+/+/']) {
      expect(exchangeSchema.safeParse({ ...exchange, body, bodyEncoding: 'base64' }).success).toBe(true);
    }
    for (const body of ['A', 'AA', 'AA=', 'AAE', 'not base64', 'AA==AA==', 'AA AA=']) {
      const parsed = exchangeSchema.safeParse({ ...exchange, body, bodyEncoding: 'base64' });
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['body', 'not valid base64']]);
    }
    expect(exchangeSchema.safeParse({ ...exchange, body: 'not base64' }).success).toBe(true);
  });

  it('wants a recorded time with its offset, a path from the root and a positive seq', () => {
    expect(exchangeSchema.safeParse({ ...exchange, recordedAt: '2026-03-09T10:00:00' }).success).toBe(false);
    expect(exchangeSchema.safeParse({ ...exchange, recordedAt: '2026-03-09T02:00:00Z' }).success).toBe(true);
    expect(exchangeSchema.safeParse({ ...exchange, path: 'fpx/ac' }).success).toBe(false);
    expect(exchangeSchema.safeParse({ ...exchange, seq: 0 }).success).toBe(false);
  });
});

describe('tapeHeaderSchema', () => {
  const header = { format: TAPE_FORMAT, version: TAPE_VERSION, name: 'n', createdAt: '2026-03-09T10:00:00Z' };

  it('accepts exactly this format and version', () => {
    expect(tapeHeaderSchema.safeParse(header).success).toBe(true);
    expect(tapeHeaderSchema.safeParse({ ...header, format: 'idemgate-tape-v2' }).success).toBe(false);
    expect(tapeHeaderSchema.safeParse({ ...header, version: TAPE_VERSION + 1 }).success).toBe(false);
    expect(tapeHeaderSchema.safeParse({ ...header, name: '' }).success).toBe(false);
  });
});
