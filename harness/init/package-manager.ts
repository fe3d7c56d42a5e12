/**
 * The package manager a service is installed with, from package.json's `packageManager` field or
 * its lockfile, and the commands a CI job runs with it: `npm ci` in a pnpm repository fails.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export type PackageManager = 'npm' | 'pnpm' | 'yarn';

export interface PackageManagerInference {
  manager: PackageManager;
  /** Where it was read: `pnpm-lock.yaml`, `package.json packageManager`, or `no lockfile (npm assumed)`. */
  source: string;
}

const LOCKFILES: [string, PackageManager][] = [
  ['pnpm-lock.yaml', 'pnpm'],
  ['yarn.lock', 'yarn'],
  ['package-lock.json', 'npm'],
  ['npm-shrinkwrap.json', 'npm'],
];

export function inferPackageManager(dir: string): PackageManagerInference {
  const pkgFile = join(dir, 'package.json');
  if (existsSync(pkgFile)) {
    try {
      const field = (JSON.parse(readFileSync(pkgFile, 'utf8')) as { packageManager?: unknown }).packageManager;
      const name = typeof field === 'string' ? field.split('@')[0] : undefined;
      if (name === 'npm' || name === 'pnpm' || name === 'yarn') return { manager: name, source: 'package.json packageManager' };
    } catch {
      // An unreadable package.json is reported where the start command is inferred.
    }
  }
  for (const [file, manager] of LOCKFILES) if (existsSync(join(dir, file))) return { manager, source: file };
  return { manager: 'npm', source: 'no lockfile (npm assumed)' };
}

export interface ManagerCommands {
  /** The setup-node `cache` value. */
  cache: PackageManager;
  /** Steps before setup-node (pnpm is not on the runner image). */
  preSetup: string[];
  install: string;
  /** `<run> build`. */
  run: string;
  /** Runs a dependency's bin: `npx idemgate`, `pnpm exec idemgate`, `yarn idemgate`. */
  exec: string;
}

export function managerCommands(manager: PackageManager): ManagerCommands {
  if (manager === 'pnpm') {
    return {
      cache: 'pnpm',
      // Reads the version from package.json's packageManager field; else pin one with `with: version:`.
      preSetup: ['      - uses: pnpm/action-setup@v4'],
      install: 'pnpm install --frozen-lockfile',
      run: 'pnpm run',
      exec: 'pnpm exec idemgate',
    };
  }
  if (manager === 'yarn') return { cache: 'yarn', preSetup: [], install: 'yarn install --frozen-lockfile', run: 'yarn run', exec: 'yarn idemgate' };
  return { cache: 'npm', preSetup: [], install: 'npm ci', run: 'npm run', exec: 'npx idemgate' };
}
