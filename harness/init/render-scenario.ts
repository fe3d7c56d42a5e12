/** The sample scenario `init` writes: the bundled tapes of the providers found, all four faults. */
import type { ProviderName } from './routes.ts';
import { q } from './render-config.ts';

export const TAPES_DIR = 'idemgate/tapes';

export const scenarioName = (providers: readonly ProviderName[]): string => `idemgate-${providers.join('-')}`;

export function renderScenario(providers: readonly ProviderName[], imports: { api: string; vitest: string }): string {
  const name = scenarioName(providers);
  const ident = name.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
  const tapes = providers.map((p) => q(`${TAPES_DIR}/${p}.jsonl`)).join(', ');
  return [
    `import { concurrentDuplicates, defineScenario, lostAcks, reorderWithin, sequentialDuplicates } from ${q(imports.api)};`,
    `import { scenarioTest } from ${q(imports.vitest)};`,
    '',
    '/**',
    ` * Written by \`idemgate init\`: idemgate's bundled ${providers.join(', ')} tape${providers.length > 1 ? 's' : ''} (copied to ${TAPES_DIR}/),`,
    ' * replayed with redeliveries, racing duplicates, reordering and lost acknowledgements.',
    ' * Record or write tapes of your own traffic and add scenarios beside this one.',
    ' */',
    `export const ${ident} = defineScenario({`,
    `  name: ${q(name)},`,
    `  description: ${q(`${providers.join(', ')} webhooks under duplicates, races, reordering and lost acks`)},`,
    `  tapes: [${tapes}],`,
    '  faults: [sequentialDuplicates({ maxGap: 4 }), concurrentDuplicates({ maxWidth: 4 }), reorderWithin({ window: 6 }), lostAcks({})],',
    '  runs: 100,',
    '});',
    '',
    `scenarioTest(${ident}); // a vitest test under \`npx vitest\`; nothing when the idemgate CLI imports this file`,
    '',
  ].join('\n');
}
