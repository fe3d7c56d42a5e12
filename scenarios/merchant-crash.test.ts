import { scenarioTest } from '../harness/vitest.ts';
import { merchantCrash } from './merchant-crash.scenario.ts';

scenarioTest(merchantCrash);
