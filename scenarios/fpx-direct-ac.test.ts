import { scenarioTest } from '../harness/vitest.ts';
import { fpxDirectAc } from './fpx-direct-ac.scenario.ts';

scenarioTest(fpxDirectAc);
