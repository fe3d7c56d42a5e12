import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { IdemgateConfig } from '../config.ts';
import { configEnv, envCheck, unknownPlaceholders } from './env.ts';

const dir = mkdtempSync(join(tmpdir(), 'idemgate-doctor-env-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function configFile(text: string): string {
  const file = join(dir, `c${Math.random().toString(36).slice(2)}.ts`);
  writeFileSync(file, text);
  return file;
}

describe('the env check', () => {
  it('names each variable read with no default that is unset, with where it is read', () => {
    const file = configFile(`export default {
  a: process.env.NEEDED!,
  b: process.env.HAS_DEFAULT ?? 'x',
  c: process.env['ALSO_NEEDED'],
  d: process.env.SET_ONE,
};`);
    const { missing, defaulted } = configEnv(file, { SET_ONE: 'yes' });
    expect(missing.map((m) => m.name)).toEqual(['NEEDED', 'ALSO_NEEDED']);
    expect(missing[0]!.where).toMatch(/:2$/);
    expect(defaulted).toEqual(['HAS_DEFAULT']);
    const check = envCheck(file, undefined, { SET_ONE: 'yes' });
    expect(check.status).toBe('fail');
    expect(check.summary).toContain('NEEDED is not set');
    expect(check.fix).toContain('export NEEDED=… ALSO_NEEDED=…');
  });

  it('does not require a variable that is only tested (a switch), nor DATABASE_URL (unset means PGlite)', () => {
    const file = configFile(`const inProcess = process.env.MODE === 'process' ? 1 : 2;
if (process.env.DEBUG) console.log('x');
export default { inProcess, quiet: !process.env.QUIET, url: process.env.DATABASE_URL };`);
    expect(configEnv(file, {}).missing).toEqual([]);
    expect(envCheck(file, undefined, {}).status).toBe('ok');
  });

  it("flags a command target's {placeholder} the harness does not fill", () => {
    const config = {
      target: { start: { kind: 'command', command: 'app', args: ['--port', '{port}'], healthPath: '/h', env: { DB: '{databaseUrl}', API: '{SHOPEE_API_BASE}', X: '{NOPE}' } } },
      providers: {},
    } as IdemgateConfig;
    expect(unknownPlaceholders(config)).toEqual([{ where: 'target.start.env.X', name: 'NOPE' }]);
    const check = envCheck(configFile('export default {};'), config, {});
    expect(check.status).toBe('fail');
    expect(check.summary).toContain('target.start.env.X uses {NOPE}');
  });
});
