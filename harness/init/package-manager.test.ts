import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { inferPackageManager } from './package-manager.ts';
import { renderWorkflow } from './render-workflow.ts';

let dir = '';
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});
const project = async (files: Record<string, string>): Promise<string> => {
  dir = await mkdtemp(join(tmpdir(), 'idemgate-pm-'));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return dir;
};

describe('inferPackageManager', () => {
  it('reads the lockfile', async () => {
    expect(inferPackageManager(await project({ 'package.json': '{}', 'pnpm-lock.yaml': '' }))).toEqual({ manager: 'pnpm', source: 'pnpm-lock.yaml' });
    await rm(dir, { recursive: true });
    expect(inferPackageManager(await project({ 'package.json': '{}', 'yarn.lock': '' })).manager).toBe('yarn');
    await rm(dir, { recursive: true });
    expect(inferPackageManager(await project({ 'package.json': '{}', 'package-lock.json': '{}' })).manager).toBe('npm');
  });

  it("prefers package.json's packageManager field, and assumes npm with no lockfile", async () => {
    expect(inferPackageManager(await project({ 'package.json': '{"packageManager":"pnpm@10.34.9"}', 'package-lock.json': '{}' }))).toEqual({
      manager: 'pnpm',
      source: 'package.json packageManager',
    });
    await rm(dir, { recursive: true });
    expect(inferPackageManager(await project({ 'package.json': '{}' }))).toEqual({ manager: 'npm', source: 'no lockfile (npm assumed)' });
  });
});

describe('the workflow for each package manager', () => {
  it('installs and runs idemgate with pnpm in a pnpm repository (npm ci would fail there)', () => {
    const text = renderWorkflow({ buildStep: true, packageManager: 'pnpm' });
    expect(text).toMatch(/pnpm\/action-setup@v4[\s\S]*cache: pnpm[\s\S]*pnpm install --frozen-lockfile[\s\S]*pnpm run build[\s\S]*pnpm exec idemgate gate/);
    expect(text).not.toMatch(/npm ci|npx /);
    const sharded = renderWorkflow({ buildStep: false, packageManager: 'pnpm', shards: 2 });
    expect(sharded).toContain('pnpm exec idemgate merge-reports');
    expect(sharded).not.toMatch(/npm ci|npx /);
  });

  it('yarn and npm', () => {
    expect(renderWorkflow({ buildStep: false, packageManager: 'yarn' })).toMatch(/cache: yarn[\s\S]*yarn install --frozen-lockfile[\s\S]*yarn idemgate gate/);
    expect(renderWorkflow({ buildStep: false })).toMatch(/cache: npm[\s\S]*npm ci[\s\S]*npx idemgate gate/);
  });
});
