import { buildRequestBody, checkContentForKind } from './channel-adapter.ts';

function storedPayload(content: Record<string, unknown>, attributes: Record<string, unknown>) {
  return {
    decisionId: 'd-1',
    customerId: 'c-1',
    campaign: 'spring',
    channel: 'email',
    offer: { name: 'voucher', content, value: 10 },
    customer: { id: 'c-1', attributes },
  };
}

describe('checkContentForKind', () => {
  it.each<[string, 'webhook' | 'email' | 'sms', Record<string, unknown>, string[]]>([
    ['webhook takes anything', 'webhook', {}, []],
    ['email with subject and text', 'email', { subject: 's', text: 't' }, []],
    ['email without subject', 'email', { html: 'h' }, ['subject']],
    ['email without html and text', 'email', { subject: 's' }, ['html']],
    ['email with a non-string html', 'email', { subject: 's', html: 3 }, ['html']],
    ['sms with body', 'sms', { body: 'b' }, []],
    ['sms without body', 'sms', { text: 'b' }, ['body']],
  ])('%s', (_name, kind, content, paths) => {
    expect(checkContentForKind(kind, content).map((problem) => problem.path)).toEqual(paths);
  });
});

describe('buildRequestBody', () => {
  it('renders the webhook payload in place', () => {
    const payload = storedPayload({ subject: 'Hi {{customer.attributes.name}}' }, { name: '<Ada>' });

    const result = buildRequestBody({ kind: 'webhook', recipientAttribute: null }, payload);

    expect(result).toEqual({ ok: true, body: { ...payload, offer: { ...payload.offer, content: { subject: 'Hi <Ada>' } } } });
  });

  it('sends a payload without offer content unchanged on webhooks', () => {
    const payload = { index: 3 };

    expect(buildRequestBody({ kind: 'webhook', recipientAttribute: null }, payload)).toEqual({ ok: true, body: payload });
    expect(buildRequestBody({ kind: 'sms', recipientAttribute: 'phone' }, payload)).toMatchObject({ ok: false });
  });

  it('uses the kind default recipient attribute', () => {
    const payload = storedPayload({ subject: 'S', text: 'T' }, { email: 'a@example.test' });

    expect(buildRequestBody({ kind: 'email', recipientAttribute: null }, payload)).toEqual({
      ok: true,
      body: { to: 'a@example.test', subject: 'S', text: 'T' },
    });
  });

  it('trims spaces around the recipient', () => {
    const payload = storedPayload({ subject: 'S', text: 'T' }, { email: ' Ada@Example.test ' });

    expect(buildRequestBody({ kind: 'email', recipientAttribute: null }, payload)).toMatchObject({ ok: true, body: { to: 'Ada@Example.test' } });
  });

  it.each<[string, Record<string, unknown>, Record<string, unknown>, string]>([
    ['missing recipient', { body: 'x' }, {}, "no 'phone' attribute"],
    ['blank recipient', { body: 'x' }, { phone: '  ' }, "no 'phone' attribute"],
    ['missing variable', { body: '{{customer.attributes.name}}' }, { phone: '+1' }, "'customer.attributes.name' in content.body"],
    ['missing body field', { text: 'x' }, { phone: '+1' }, 'content.body is required'],
  ])('returns a reason for a %s', (_name, content, attributes, reason) => {
    const result = buildRequestBody({ kind: 'sms', recipientAttribute: 'phone' }, storedPayload(content, attributes));

    expect(result.ok).toBe(false);
    expect((result as { reason: string }).reason).toContain(reason);
  });
});
