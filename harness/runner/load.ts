import { existsSync, readFileSync } from 'node:fs';
import { copyFile, readdir, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { IdemgateConfig } from '../config.ts';
import { validateConfig } from '../config-schema.ts';
import { registerSecrets, secretValuesOf } from '../_internals/mask.ts';
import { IdemgateError } from '../errors.ts';
import { isScenario, type Scenario } from './scenario.ts';

export const CONFIG_FILE = 'idemgate.config.ts';

/**
 * How user TypeScript files (config, scenarios) are imported. `native`: a plain import (vitest,
 * or a project whose package.json says "type": "module"). `tsx`: the CLI, running under tsx's
 * ESM hooks, where a `.ts` file in a CommonJS package would be compiled to CommonJS and could not
 * import the ESM harness; such a file is imported through a temporary `.mts` copy beside it (so
 * its relative imports still resolve), as vite does with its config. One module graph either
 * way: loading the harness twice would load undici twice, which it does not survive.
 */
export type UserFileLoader = 'tsx' | 'native';

function isEsmPackage(file: string): boolean {
  let dir = dirname(file);
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) return (JSON.parse(readFileSync(pkg, 'utf8')) as { type?: string }).type === 'module';
    const parent = dirname(dir);
    if (parent === dir) return false;
    dir = parent;
  }
}

async function importUserFile(path: string, loader: UserFileLoader): Promise<Record<string, unknown>> {
  if (loader === 'native' || !path.endsWith('.ts') || isEsmPackage(path)) {
    return (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  }
  const copy = `${path}.timestamp-${Date.now()}-${process.pid}.mts`;
  await copyFile(path, copy);
  try {
    return (await import(pathToFileURL(copy).href)) as Record<string, unknown>;
  } finally {
    await rm(copy, { force: true });
  }
}

/** Finds `idemgate.config.ts` in `from` or a parent folder. */
export function findConfigFile(from: string = process.cwd()): string {
  let dir = resolve(from);
  for (;;) {
    const candidate = join(dir, CONFIG_FILE);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) {
      throw new IdemgateError('CONFIG_INVALID', `no ${CONFIG_FILE} found in ${from} or any parent folder (run \`idemgate init\` or pass --config)`);
    }
    dir = parent;
  }
}

export async function loadConfig(
  file: string,
  loader: UserFileLoader = 'tsx',
): Promise<{ config: IdemgateConfig; rootDir: string }> {
  const path = resolve(file);
  if (!existsSync(path)) throw new IdemgateError('CONFIG_INVALID', `config file ${path} does not exist`);
  let mod: { default?: unknown };
  try {
    mod = (await importUserFile(path, loader)) as { default?: unknown };
  } catch (e) {
    throw new IdemgateError('CONFIG_INVALID', `cannot load ${path}: ${(e as Error).message}`, { cause: e });
  }
  const config = validateConfig(mod.default, path);
  // From here on every output of this process masks the config's secrets.
  registerSecrets(secretValuesOf(config));
  return { config, rootDir: dirname(path) };
}

/** Imports every `*.test.ts` / `*.scenario.ts` file in the scenarios folder and collects the scenarios they export. */
export async function loadScenarios(dir: string, loader: UserFileLoader = 'tsx'): Promise<Scenario[]> {
  if (!existsSync(dir)) throw new IdemgateError('CONFIG_INVALID', `scenarios folder ${dir} does not exist`);
  const files = (await readdir(dir)).filter((f) => /\.(test|scenario)\.ts$/.test(f)).sort();
  const scenarios: Scenario[] = [];
  for (const f of files) {
    const mod = await importUserFile(join(dir, f), loader);
    for (const value of Object.values(mod)) if (isScenario(value)) scenarios.push(value);
  }
  const names = new Set<string>();
  for (const s of scenarios) {
    if (names.has(s.name)) throw new IdemgateError('SCENARIO_INVALID', `two scenarios are named "${s.name}"`);
    names.add(s.name);
  }
  return scenarios;
}
