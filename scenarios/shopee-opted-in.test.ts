import { scenarioTest } from '../harness/vitest.ts';
import { shopeeOptedIn } from './shopee-opted-in.scenario.ts';

scenarioTest(shopeeOptedIn);
