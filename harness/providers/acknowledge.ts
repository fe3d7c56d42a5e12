import { IdemgateError } from '../errors.ts';
import type { AcknowledgeRule, Provider } from './provider.ts';

/**
 * A provider's acknowledgement as a config states it (`providerSettings.<name>.acknowledge`): the
 * status is one of `statuses` (default any 2xx) and, when `body` is given, the trimmed body
 * matches it whole. CONFIG_INVALID names the setting when the rule can never match.
 *
 * @example
 * acknowledgement('fpx', { body: 'RECEIVEOK' })({ status: 200, body: 'RECEIVEOK' }); // true
 */
export function acknowledgement(provider: string, rule: AcknowledgeRule): Provider['acknowledged'] {
  const path = `providerSettings.${provider}.acknowledge`;
  const invalid = (key: string, why: string): IdemgateError =>
    new IdemgateError('CONFIG_INVALID', `${path}.${key}: ${why}`, { details: { path: `${path}.${key}` } });
  const statuses = rule.statuses;
  if (statuses !== undefined && (statuses.length === 0 || statuses.some((s) => !Number.isInteger(s) || s < 100 || s > 599))) {
    throw invalid('statuses', `HTTP statuses from 100 to 599, at least one (got ${JSON.stringify(statuses)})`);
  }
  let body: RegExp | undefined;
  if (rule.body !== undefined) {
    try {
      body = new RegExp(`^(?:${rule.body})$`);
    } catch (e) {
      throw invalid('body', `not a regular expression: ${(e as Error).message}`);
    }
  }
  return (answer) =>
    (statuses === undefined ? answer.status >= 200 && answer.status < 300 : statuses.includes(answer.status)) &&
    (body === undefined || body.test(answer.body.trim()));
}
