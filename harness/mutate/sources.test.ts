import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { markedMutants } from './regions.ts';
import { copyTarget, globToRegExp, readSources } from './sources.ts';

const root = await mkdtemp(join(tmpdir(), 'idemgate-sources-test-'));
afterAll(() => rm(root, { recursive: true, force: true }));

describe('globToRegExp', () => {
  it('matches ** across folders and * within one', () => {
    expect(globToRegExp('src/**/*.ts').test('src/a.ts')).toBe(true);
    expect(globToRegExp('src/**/*.ts').test('src/handlers/a.ts')).toBe(true);
    expect(globToRegExp('drizzle/*.sql').test('drizzle/meta/x.sql')).toBe(false);
    expect(globToRegExp('*.ts').test('a.tsx')).toBe(false);
  });
});

describe('readSources and copyTarget', () => {
  it('reads matching non-test sources and copies the target with one mutant applied', async () => {
    const svc = join(root, 'svc');
    await mkdir(join(svc, 'src'), { recursive: true });
    await mkdir(join(svc, 'node_modules', 'dep'), { recursive: true });
    await writeFile(join(svc, 'src', 'h.ts'), 'a();\n// idemgate-guard: g\nif (seen) return;\n// idemgate-guard-end\npost();\n');
    await writeFile(join(svc, 'src', 'h.test.ts'), '// idemgate-guard: not-a-source\n');
    await writeFile(join(svc, 'README.md'), 'docs\n');

    const sources = await readSources(svc, ['src/**/*.ts']);
    expect(sources.map((s) => s.path)).toEqual(['src/h.ts']);

    const copy = await copyTarget(svc, sources, markedMutants(sources)[0]);
    try {
      expect(copy.dir).not.toBe(svc);
      expect(readFileSync(join(copy.dir, 'src', 'h.ts'), 'utf8')).toBe('a();\npost();\n');
      expect(readFileSync(join(copy.dir, 'README.md'), 'utf8')).toBe('docs\n');
      expect(existsSync(join(copy.dir, 'node_modules'))).toBe(false);
      // The nearest node_modules is linked next to the copy, so the copy's imports resolve.
      expect(existsSync(join(copy.dir, '..', 'node_modules', 'dep'))).toBe(true);
      expect(readFileSync(join(svc, 'src', 'h.ts'), 'utf8')).toContain('idemgate-guard: g');
    } finally {
      await copy.remove();
    }
    expect(existsSync(copy.dir)).toBe(false);
  });
});
