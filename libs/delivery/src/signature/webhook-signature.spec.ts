import { createHmac } from 'node:crypto';
import { signWebhookBody } from './webhook-signature.ts';

describe('signWebhookBody', () => {
  it('signs the timestamp and the body', () => {
    const expected = createHmac('sha256', 'secret-key-0123456789').update('1700000000.{"a":1}').digest('hex');

    expect(signWebhookBody('secret-key-0123456789', '{"a":1}', 1_700_000_000)).toBe(`t=1700000000,v1=${expected}`);
  });

  it('changes with the timestamp, the body and the secret', () => {
    const base = signWebhookBody('secret-key-0123456789', 'body', 1);

    expect(signWebhookBody('secret-key-0123456789', 'body', 2)).not.toBe(base.replace('t=1', 't=2'));
    expect(signWebhookBody('secret-key-0123456789', 'body!', 1)).not.toBe(base);
    expect(signWebhookBody('secret-key-9876543210', 'body', 1)).not.toBe(base);
  });
});
