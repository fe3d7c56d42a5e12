import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { describeError, IdemgateError } from '../errors.ts';
import { adapterResolver } from '../providers/registry.ts';
import { parseSavedFailure, renderCurl, renderTest, reproductionOf } from '../report/emit-test.ts';
import { findConfigFile, loadConfig, loadScenarios } from '../runner/load.ts';
import { loadScenarioTape } from '../runner/run-scenario.ts';
import { parseCommandArgs, unknownScenario } from './args.ts';

export const EMIT_TEST_HELP = `idemgate emit-test — pin a failure as a regression test

Usage:
  idemgate emit-test reports/failures/<scenario>.json --out FILE.test.ts [--curl FILE.sh [--base-url URL]] [--config FILE] [--import-from MODULE]

Writes a self-contained vitest file that replays exactly the saved failure's shrunk schedule — the
exchanges it delivers, their order, duplicates, concurrency and faults, as data (no seed, path or
tape file) — on a fresh session of the configured target, and asserts that no invariant breaks.
It fails while the bug is there and passes once it is fixed.

Options:
  --out FILE          the test file to write (its folder is created)
  --curl FILE         also write the schedule as a POSIX sh script of curl commands against
                      $BASE_URL: bodies byte for byte, signed with the config's test secrets (an
                      expiring signature such as Stripe's is computed when the script runs)
  --base-url URL      the service the curl script sends to by default ($BASE_URL overrides it) and
                      signs for where a signature covers the URL (default http://127.0.0.1:3000)
  --config FILE       config file (default: idemgate.config.ts in this folder or a parent); the test
                      loads it by a path relative to itself
  --import-from M     where the test imports reproduce() from (default: idemgate/testing, or this
                      checkout's harness/testing.ts when run inside idemgate's own repository)`;

/** `idemgate emit-test FAILURE --out FILE`: exit 0 written, 2 usage or input error. */
export async function emitTestCommand(argv: string[]): Promise<number> {
  try {
    const { values, positionals } = parseCommandArgs(
      'emit-test',
      argv,
      {
        out: { type: 'string' },
        curl: { type: 'string' },
        config: { type: 'string' },
        'import-from': { type: 'string' },
        'base-url': { type: 'string', default: 'http://127.0.0.1:3000' },
        help: { type: 'boolean', short: 'h' },
      },
      true,
    );
    if (values.help) {
      console.log(EMIT_TEST_HELP);
      return 0;
    }
    const [source, ...extra] = positionals;
    if (source === undefined || values.out === undefined) {
      throw new IdemgateError('USAGE', 'idemgate emit-test needs a saved failure and --out (idemgate emit-test --help)');
    }
    if (extra.length > 0) throw new IdemgateError('USAGE', `idemgate emit-test takes one saved failure, got also ${extra.join(' ')}`);
    if (!existsSync(source)) throw new IdemgateError('USAGE', `${source}: no such file (idemgate run saves failures under reports/failures/)`);
    const failure = parseSavedFailure(source, await readFile(source, 'utf8'));
    const configFile = resolve(values.config ?? findConfigFile());
    const { config, rootDir } = await loadConfig(configFile);
    const scenarios = await loadScenarios(resolve(rootDir, config.scenarios ?? 'scenarios'));
    const scenario = scenarios.find((s) => s.name === failure.scenario);
    if (scenario === undefined) throw unknownScenario([failure.scenario], scenarios);
    const tape = await loadScenarioTape(scenario, rootDir, config);
    const reproduction = reproductionOf(failure, tape);

    const out = resolve(values.out);
    const relativeTo = (file: string): string => {
      const r = relative(dirname(out), file);
      return r.startsWith('.') ? r : `./${r}`;
    };
    const importFrom = values['import-from'] ?? defaultImport(rootDir, relativeTo);
    await mkdir(dirname(out), { recursive: true });
    await writeFile(
      out,
      renderTest(reproduction, { source, seed: failure.seed, path: failure.path, broken: failure.violations, importFrom, configUrl: relativeTo(configFile) }),
      'utf8',
    );
    console.error(`wrote ${relative(process.cwd(), out)}: scenario ${failure.scenario}, ${reproduction.schedule.steps.length} steps over ${reproduction.tape.exchanges.length} exchanges; run it with npx vitest run ${relative(process.cwd(), out)}`);
    if (values.curl !== undefined) {
      const curl = resolve(values.curl);
      await mkdir(dirname(curl), { recursive: true });
      const resolveAdapter = adapterResolver(config);
      await writeFile(curl, renderCurl(reproduction, { providerOf: resolveAdapter, secrets: config.providers, endpoints: config.target.endpoints ?? {} }, new Date(), values['base-url']), { encoding: 'utf8', mode: 0o755 });
      console.error(`wrote ${relative(process.cwd(), curl)}: BASE_URL=${values['base-url']} sh ${relative(process.cwd(), curl)}`);
    }
    return 0;
  } catch (e) {
    console.error(describeError(e));
    return 2;
  }
}

/** idemgate's own checkout imports its sources; any other project the installed package. */
function defaultImport(rootDir: string, relativeTo: (file: string) => string): string {
  for (let dir = rootDir; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      const name = (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name;
      if (name === 'idemgate' && existsSync(join(dir, 'harness/testing.ts'))) return relativeTo(join(dir, 'harness/testing.ts'));
      return 'idemgate/testing';
    }
    if (dirname(dir) === dir) return 'idemgate/testing';
  }
}
