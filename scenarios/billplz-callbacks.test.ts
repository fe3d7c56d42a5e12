import { scenarioTest } from '../harness/vitest.ts';
import { billplzCallbacks } from './billplz-callbacks.scenario.ts';

scenarioTest(billplzCallbacks);
