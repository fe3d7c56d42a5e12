import { scenarioTest } from '../harness/vitest.ts';
import { stripeWebhooks } from './stripe-webhooks.scenario.ts';

scenarioTest(stripeWebhooks);
