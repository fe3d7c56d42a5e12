import { scenarioTest } from '../harness/vitest.ts';
import { upstreamShopee } from './upstream-shopee.scenario.ts';

scenarioTest(upstreamShopee);
