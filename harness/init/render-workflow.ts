import { managerCommands, type ManagerCommands, type PackageManager } from './package-manager.ts';

export interface WorkflowOptions {
  /** Add `npm run build` after `npm ci` (the service's start command runs built output). */
  buildStep: boolean;
  /** Install and run with this (default npm). */
  packageManager?: PackageManager;
  /**
   * Split the gate over this many CI machines (a job matrix of `gate --shard i/n`), merged by a
   * last job with `merge-reports`. Absent: one job runs the whole gate.
   */
  shards?: number;
}

const HEADER = [
  '# Written by `idemgate init`: replays provider webhooks against this service with duplicates,',
  '# races, reordering and lost acknowledgements, and fails the job when a ledger invariant breaks.',
  '# Exit codes: 0 pass, 1 an invariant broke, 2 the harness could not run.',
];

const TRIGGERS = ['on:', '  pull_request:', '  push:', '    branches: [main]', ''];

/** Node and the service's dependencies, as every job needs them. */
const setupSteps = (pm: ManagerCommands, buildStep: boolean): string[] => [
  '      - uses: actions/checkout@v4',
  ...pm.preSetup,
  '      - uses: actions/setup-node@v4',
  '        with:',
  '          node-version: 20',
  `          cache: ${pm.cache}`,
  `      - run: ${pm.install}`,
  ...(buildStep ? [`      - run: ${pm.run} build`] : []),
];

/** A PostgreSQL service container and the URL idemgate makes a fresh database from. */
const DATABASE = [
  '    services:',
  '      postgres:',
  '        image: postgres:16',
  '        env:',
  '          POSTGRES_PASSWORD: postgres',
  '          POSTGRES_DB: idemgate',
  '        ports:',
  "          - '5432:5432'",
  '        options: >-',
  '          --health-cmd pg_isready --health-interval 5s --health-timeout 5s --health-retries 10',
  '    env:',
  '      CI: true',
  '      # idemgate creates a fresh database from this URL for each run and drops it afterwards.',
  '      DATABASE_URL: postgres://postgres:postgres@localhost:5432/idemgate',
];

/** The GitHub Actions workflow `init` writes: the gate on every pull request, reports kept as an artifact. */
/** The step that keeps reports/ as an artifact, whatever the gate's exit code. */
const uploadReports = (name: string): string[] => [
  '      - uses: actions/upload-artifact@v4',
  '        if: always()',
  '        with:',
  `          name: ${name}`,
  '          path: reports/',
];

export function renderWorkflow(options: WorkflowOptions): string {
  const pm = managerCommands(options.packageManager ?? 'npm');
  if (options.shards !== undefined) return renderShardedWorkflow(pm, options.buildStep, options.shards);
  return [
    ...HEADER,
    `# To split the gate over several machines: \`${pm.exec} init --shards N --force\` (see the README).`,
    'name: idemgate',
    '',
    ...TRIGGERS,
    'jobs:',
    '  idemgate:',
    '    runs-on: ubuntu-latest',
    '    timeout-minutes: 30',
    ...DATABASE,
    '    steps:',
    ...setupSteps(pm, options.buildStep),
    `      - run: ${pm.exec} gate`,
    ...uploadReports('idemgate-reports'),
    '',
  ].join('\n');
}

/**
 * The same gate split over `shards` runners of the CI's own pool: a matrix job per shard runs
 * `gate --shard i/n` and uploads its reports; a last job downloads them all and runs
 * `merge-reports`, whose exit code is the unsharded gate's. That job is the check to require.
 */
function renderShardedWorkflow(pm: ManagerCommands, buildStep: boolean, shards: number): string {
  return [
    ...HEADER,
    `# The scenarios are split over ${shards} runners (\`gate --shard i/${shards}\`: a round-robin share each, every`,
    '# scenario exactly as in an unsharded run); `idemgate-merge` merges their reports into one and exits',
    '# as the unsharded gate would: make that job the required check. A shard with no scenarios (more',
    '# shards than scenarios) exits 2: lower the count in `matrix.shard` and in `--shard`.',
    'name: idemgate',
    '',
    ...TRIGGERS,
    'jobs:',
    '  idemgate:',
    `    name: idemgate shard \${{ matrix.shard }}/${shards}`,
    '    runs-on: ubuntu-latest',
    '    timeout-minutes: 30',
    '    strategy:',
    '      # Every shard runs to the end, so the merge sees every result.',
    '      fail-fast: false',
    '      matrix:',
    `        shard: [${Array.from({ length: shards }, (_, i) => i + 1).join(', ')}]`,
    ...DATABASE,
    '    steps:',
    ...setupSteps(pm, buildStep),
    `      - run: ${pm.exec} gate --shard \${{ matrix.shard }}/${shards} --reports reports`,
    ...uploadReports('idemgate-shard-${{ matrix.shard }}'),
    '  idemgate-merge:',
    '    needs: idemgate',
    '    # Also when a shard failed: the merged reports say what broke, and this job fails with it.',
    '    if: ${{ !cancelled() }}',
    '    runs-on: ubuntu-latest',
    '    timeout-minutes: 10',
    '    env:',
    '      CI: true',
    '    steps:',
    ...setupSteps(pm, false),
    '      - uses: actions/download-artifact@v4',
    '        with:',
    '          pattern: idemgate-shard-*',
    '          path: shards/',
    `      - run: ${pm.exec} merge-reports shards/idemgate-shard-* --reports reports`,
    ...uploadReports('idemgate-reports'),
    '',
  ].join('\n');
}
