import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { IdemgateConfig } from '../config.ts';
import { IdemgateError } from '../errors.ts';
import { isScenario, type Scenario } from './scenario.ts';

export const CONFIG_FILE = 'idemgate.config.ts';

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

export async function loadConfig(file: string): Promise<{ config: IdemgateConfig; rootDir: string }> {
  const path = resolve(file);
  if (!existsSync(path)) throw new IdemgateError('CONFIG_INVALID', `config file ${path} does not exist`);
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(path).href)) as { default?: unknown };
  } catch (e) {
    throw new IdemgateError('CONFIG_INVALID', `cannot load ${path}: ${(e as Error).message}`, { cause: e });
  }
  const config = mod.default as IdemgateConfig | undefined;
  if (typeof config !== 'object' || config === null || typeof config.target !== 'object' || typeof config.ledger !== 'object') {
    throw new IdemgateError('CONFIG_INVALID', `${path} must \`export default defineConfig({ target, providers, ledger, … })\``);
  }
  return { config, rootDir: dirname(path) };
}

/** Imports every `*.test.ts` / `*.scenario.ts` file in the scenarios folder and collects the scenarios they export. */
export async function loadScenarios(dir: string): Promise<Scenario[]> {
  if (!existsSync(dir)) throw new IdemgateError('CONFIG_INVALID', `scenarios folder ${dir} does not exist`);
  const files = (await readdir(dir)).filter((f) => /\.(test|scenario)\.ts$/.test(f)).sort();
  const scenarios: Scenario[] = [];
  for (const f of files) {
    const mod = (await import(pathToFileURL(join(dir, f)).href)) as Record<string, unknown>;
    for (const value of Object.values(mod)) if (isScenario(value)) scenarios.push(value);
  }
  const names = new Set<string>();
  for (const s of scenarios) {
    if (names.has(s.name)) throw new IdemgateError('SCENARIO_INVALID', `two scenarios are named "${s.name}"`);
    names.add(s.name);
  }
  return scenarios;
}
