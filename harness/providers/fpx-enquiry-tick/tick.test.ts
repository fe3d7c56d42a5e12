import { describe, expect, it } from 'vitest';
import { tapeOf } from '../_internals/test-tape.ts';
import { providerFor } from '../registry.ts';
import { FPX_ENQUIRY_JOB_PATH, fpxEnquiryTick } from './tick.ts';

describe('fpxEnquiryTick', () => {
  const tape = tapeOf('fpx-enquiry-tick', FPX_ENQUIRY_JOB_PATH, ['{"job":"fpx-enquiry"}', '{"job":"fpx-enquiry"}'], {
    headers: { 'content-type': 'application/json', 'content-length': '21' },
  });

  it('is registered under its name', () => {
    expect(providerFor('fpx-enquiry-tick')).toBe(fpxEnquiryTick);
  });

  it('is one run of the job per seq, with no entity and no effect of its own', () => {
    const [a, b] = tape.exchanges.map((x) => fpxEnquiryTick.interpret(x, tape));
    expect(a).toEqual({ provider: 'fpx-enquiry-tick', identity: 'tick:1' });
    expect(b!.identity).toBe('tick:2');
  });

  it('sends the recorded body and headers, without hop-by-hop ones', () => {
    const signed = fpxEnquiryTick.sign(tape.exchanges[0]!, { secrets: {}, now: new Date(), url: 'http://127.0.0.1:1/jobs/fpx-enquiry', attempt: 2 });
    expect(signed.body.toString('utf8')).toBe('{"job":"fpx-enquiry"}');
    expect(signed.headers).toEqual({ 'content-type': 'application/json' });
  });

  it('is acknowledged by a 2xx only', () => {
    expect(fpxEnquiryTick.acknowledged({ status: 200, body: '{}' })).toBe(true);
    expect(fpxEnquiryTick.acknowledged({ status: 502, body: '{}' })).toBe(false);
    expect(fpxEnquiryTick.acknowledged({ status: 503, body: '' })).toBe(false);
  });
});
