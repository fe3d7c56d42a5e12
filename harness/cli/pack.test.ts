/**
 * idemgate as another repository gets it: `npm pack` (prepack builds dist/), the tarball installed
 * with npm and with pnpm into a copy of a service that is not this repository's root (the
 * reference merchant service, with its own package.json), then `idemgate --version`, `init` and
 * the scenario `init` wrote, all from the installed package: no tsx or TypeScript source of ours.
 *
 * Installs read the npm registry (tarballs mostly from the local cache: --prefer-offline); where
 * the registry cannot be reached the test is skipped and says why.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { cp, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const PNPM = join(REPO, 'node_modules/.bin/pnpm');
const pkg = (): {
  version: string;
  private?: boolean;
  exports: Record<string, string | { types: string; default: string }>;
  bin: Record<string, string>;
} => JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as ReturnType<typeof pkg>;
const VERSION = pkg().version;

interface Ran {
  code: number | null;
  output: string;
  seconds: number;
}

/** A child with none of the npm/vitest environment of the test run around it (npm_config_*, VITEST, DATABASE_URL). */
function sh(command: string, args: string[], cwd: string): Promise<Ran> {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(npm_|VITEST|NODE_OPTIONS$|DATABASE_URL$|INIT_CWD$|PNPM_)/i.test(k)) env[k] = v;
  }
  env.CI = 'true';
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, output, seconds: (performance.now() - started) / 1000 }));
  });
}

const offline = (output: string): boolean => /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|ERR_PNPM_META_FETCH_FAIL|network/i.test(output);

let work = '';
let tarball = '';
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'idemgate-pack-'));
  const packed = await sh('npm', ['pack', '--pack-destination', work, '--silent'], REPO);
  expect(packed.code, packed.output).toBe(0);
  tarball = join(work, packed.output.trim().split('\n').at(-1)!);
}, 180_000);
afterAll(async () => {
  if (work !== '') await rm(work, { recursive: true, force: true });
});

describe('the packed package', () => {
  it('holds compiled JavaScript with type declarations for every entry point, and no TypeScript source', async () => {
    const listed = await sh('tar', ['-tzf', tarball], work);
    const files = new Set(listed.output.trim().split('\n').map((f) => f.replace(/^package\//, '')));
    const { private: isPrivate, exports, bin } = pkg();
    expect(isPrivate).toBeUndefined();
    for (const [entry, target] of Object.entries(exports)) {
      if (typeof target === 'string') continue;
      expect(files, entry).toContain(target.default.replace(/^\.\//, ''));
      expect(files, entry).toContain(target.types.replace(/^\.\//, ''));
    }
    expect(files).toContain(bin.idemgate!.replace(/^\.\//, ''));
    expect(files).toContain('dist/runner/workers/entry.js');
    expect(files).toContain('dist/report/schema/results.schema.json');
    expect([...files].filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
    console.log(`idemgate tarball: ${(statSync(tarball).size / 1024).toFixed(0)} kB, ${files.size} files`);
  });

  for (const manager of ['npm', 'pnpm'] as const) {
    it(`installs with ${manager} into another service and runs --version, init and a scenario there`, { timeout: 600_000 }, async (ctx) => {
      const dir = join(work, `service-${manager}`);
      await cp(join(REPO, 'fixtures/merchant-service'), dir, {
        recursive: true,
        filter: (src) => !/[/\\](node_modules|reports|idemgate\.config\.ts)$/.test(src),
      });
      const install =
        manager === 'npm'
          ? await sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], dir)
          : await sh(PNPM, ['add', '--prefer-offline', tarball], dir);
      if (install.code !== 0 && offline(install.output)) {
        ctx.skip(`${manager} could not reach the npm registry: ${install.output.trim().split('\n').slice(-3).join(' | ')}`);
      }
      expect(install.code, install.output).toBe(0);
      const installed = (await readdir(join(dir, 'node_modules'))).length;
      console.log(`${manager}: the service and idemgate installed in ${install.seconds.toFixed(1)} s (${installed} top-level entries in node_modules)`);
      // The package, not this checkout: its entry is the compiled dist/.
      expect(existsSync(join(dir, 'node_modules/idemgate/dist/cli/main.js'))).toBe(true);
      expect(existsSync(join(dir, 'node_modules/idemgate/harness/cli/main.ts'))).toBe(false);

      const exec = (args: string[]): Promise<Ran> =>
        manager === 'npm' ? sh('npx', ['--no-install', 'idemgate', ...args], dir) : sh(PNPM, ['exec', 'idemgate', ...args], dir);

      if (manager === 'npm') {
        // Every entry point resolves at run time and type-checks against its declarations
        // (idemgate/testcontainers needs the optional peer testcontainers, not installed here).
        const entries = Object.keys(pkg().exports).filter((e) => e !== './package.json').map((e) => e.replace(/^\./, 'idemgate'));
        const loadable = entries.filter((e) => e !== 'idemgate/testcontainers');
        const load = await sh(process.execPath, ['--input-type=module', '-e', loadable.map((e) => `await import('${e}');`).join('')], dir);
        expect(load.code, load.output).toBe(0);
        await writeFile(join(dir, 'entries.ts'), entries.map((e, i) => `import * as e${i} from '${e}';\nconsole.log(Object.keys(e${i}).length);`).join('\n'));
        const types = await sh(process.execPath, [
          join(dir, 'node_modules/typescript/bin/tsc'),
          ...['--noEmit', '--strict', '--skipLibCheck', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022'],
          ...['--types', 'node', 'entries.ts'],
        ], dir);
        expect(types.code, types.output).toBe(0);
      }

      const version = await exec(['--version']);
      expect(version.code, version.output).toBe(0);
      expect(version.output.trim()).toBe(VERSION);

      const init = await exec(['init']);
      expect(init.code, init.output).toBe(0);
      const config = readFileSync(join(dir, 'idemgate.config.ts'), 'utf8');
      expect(config).toContain("from 'idemgate'");
      expect(readFileSync(join(dir, 'scenarios/idemgate-shopee-fpx-stripe.test.ts'), 'utf8')).toContain("from 'idemgate/vitest'");
      const workflow = readFileSync(join(dir, '.github/workflows/idemgate.yml'), 'utf8');
      expect(workflow).toContain(manager === 'npm' ? 'npm ci' : 'pnpm install --frozen-lockfile');

      const run = await exec(['run', '--runs', '4', '--seed', '7', '--pglite']);
      expect(run.code, run.output).toBe(0);
      const results = JSON.parse(readFileSync(join(dir, 'reports/results.json'), 'utf8')) as {
        summary: { verdict: string };
        results: { scenario: string; status: string; schedules: number }[];
      };
      expect(results.summary.verdict).toBe('passed');
      expect(results.results.map((r) => [r.scenario, r.status])).toEqual([['idemgate-shopee-fpx-stripe', 'passed']]);
      expect(results.results[0]!.schedules).toBeGreaterThanOrEqual(4);
    });
  }
});
