import { scenarioTest } from '../harness/vitest.ts';
import { fpxIndirectAc } from './fpx-indirect-ac.scenario.ts';

scenarioTest(fpxIndirectAc);
