import { scenarioTest } from '../harness/vitest.ts';
import { fpxRecon } from './fpx-recon.scenario.ts';

scenarioTest(fpxRecon);
