import { scenarioTest } from '../harness/vitest.ts';
import { clientApiScenario } from './client-api.scenario.ts';

scenarioTest(clientApiScenario);
