import { scenarioTest } from '../harness/vitest.ts';
import { fpxPending } from './fpx-pending.scenario.ts';

scenarioTest(fpxPending);
