import { describe, expect, it } from 'vitest';
import { resolveDatabase } from './resolve.ts';

const env = { DATABASE_URL: 'postgres://env/db' };

describe('resolveDatabase', () => {
  it('chooses PGlite for an explicit null (--pglite) even when the config and DATABASE_URL name a URL', () => {
    expect(resolveDatabase({ chosen: null, configUrl: 'postgres://config/db', env })).toEqual({ kind: 'pglite' });
  });

  it('prefers the chosen URL, then the config URL, then DATABASE_URL', () => {
    expect(resolveDatabase({ chosen: 'postgres://chosen/db', configUrl: 'postgres://config/db', env })).toEqual({ kind: 'postgres', url: 'postgres://chosen/db' });
    expect(resolveDatabase({ configUrl: 'postgres://config/db', env })).toEqual({ kind: 'postgres', url: 'postgres://config/db' });
    expect(resolveDatabase({ env })).toEqual({ kind: 'postgres', url: 'postgres://env/db' });
  });

  it('treats empty strings as unset and falls back to PGlite', () => {
    expect(resolveDatabase({ chosen: '', configUrl: '', env: { DATABASE_URL: '' } })).toEqual({ kind: 'pglite' });
    expect(resolveDatabase({ env: {} })).toEqual({ kind: 'pglite' });
  });

  it('reads process.env by default', () => {
    const saved = process.env.DATABASE_URL;
    process.env.DATABASE_URL = 'postgres://process/db';
    try {
      expect(resolveDatabase()).toEqual({ kind: 'postgres', url: 'postgres://process/db' });
    } finally {
      if (saved === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = saved;
    }
  });
});
