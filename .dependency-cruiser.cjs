/**
 * The intended layering of harness/, checked by `npm run lint` (dependency-cruiser). Data flows
 * one way — tape → schedule (faults) → delivery (replay, simulated upstream) → database →
 * invariants → runner → features → reports → CLI — so a module may import only from its own layer
 * or a layer listed before it. Features (one folder each) never import one another, and no core
 * folder imports a feature. Tests may import anything.
 */
const LAYERS = [
  ['util', '^harness/(_internals/|errors\\.ts$)'],
  ['tape', '^harness/tape/'],
  ['providers', '^harness/providers/'],
  ['schedule', '^harness/schedule/'],
  ['faults', '^harness/faults/'],
  ['replay', '^harness/replay/'],
  ['db', '^harness/db/'],
  ['stores', '^harness/stores/'],
  ['quiescence', '^harness/quiescence/'],
  ['invariants', '^harness/invariants/'],
  ['targets', '^harness/targets/'],
  ['simulator', '^harness/simulator/'],
  ['config', '^harness/(config\\.ts|config-schema\\.ts|mutate/config\\.ts|record/config\\.ts)$'],
  ['import', '^harness/import/'],
  ['record', '^harness/record/(?!config\\.ts$)'],
  ['runner', '^harness/runner/'],
  ['features', '^harness/(upstream|recon|fpx-enquiry|client-api)/'],
  ['mutate', '^harness/mutate/(?!config\\.ts$)'],
  ['init', '^harness/init/'],
  ['doctor', '^harness/doctor/'],
  ['report', '^harness/report/'],
  ['cli', '^harness/cli/'],
  ['entry', '^harness/(?!(errors|config|config-schema)\\.ts$)[^/]+\\.ts$'],
];

const TESTS = '(\\.test\\.ts$|/_testing/|/testdata/)';

const layering = LAYERS.slice(0, -1).map(([name, path], i) => ({
  name: `layer-${name}`,
  comment: `${name} may import only from itself and the layers before it (${LAYERS.slice(0, i).map(([n]) => n).join(', ') || 'none'})`,
  severity: 'error',
  from: { path, pathNot: TESTS },
  to: { path: LAYERS.slice(i + 1).map(([, p]) => `(${p})`).join('|'), pathNot: TESTS },
}));

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'no import cycle between files, type-only imports included',
      severity: 'error',
      from: { path: '^harness/' },
      to: { circular: true },
    },
    {
      name: 'features-are-independent',
      comment: 'a feature folder can be deleted without touching another one',
      severity: 'error',
      from: { path: '^harness/(upstream|recon|fpx-enquiry|client-api)/', pathNot: TESTS },
      to: { path: '^harness/(upstream|recon|fpx-enquiry|client-api)/', pathNot: '^harness/$1/' },
    },
    {
      name: 'internals-stay-inside',
      comment: '_internals/ folders are not imported from outside their parent folder',
      severity: 'error',
      from: { path: '^harness/([^/]+)/', pathNot: TESTS },
      to: { path: '^harness/([^/]+)/_internals/', pathNot: '^harness/$1/_internals/' },
    },
    ...layering,
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    includeOnly: '^harness/',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
