import {
  findMissingVariables,
  renderContent,
  type TemplateContext,
  type TemplateProblem,
} from '../templates/content-template.ts';

/**
 * Channel kinds, each with its request body. `webhook` sends the whole message with
 * rendered offer content. `email` and `sms` send the fixed shapes that e-mail and SMS
 * providers take, `{to, subject, html, text}` and `{to, body}`, with `to` read from a
 * customer attribute.
 */
export const CHANNEL_KINDS = ['webhook', 'email', 'sms'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

/** The customer attribute holding the recipient when a channel does not name one. */
export const DEFAULT_RECIPIENT_ATTRIBUTE = { email: 'email', sms: 'phone' } as const;

/** The parts of a channel that shape its request body. */
export interface AdapterChannel {
  kind: ChannelKind;
  /** Null for webhook channels. */
  recipientAttribute: string | null;
}

export type RequestBodyResult = { ok: true; body: unknown } | { ok: false; reason: string };

/**
 * Checks that content has the fields the channel kind sends: `subject` and `html` or
 * `text` for e-mail, `body` for SMS, each a string. Paths are relative to the content.
 */
export function checkContentForKind(kind: ChannelKind, content: Record<string, unknown>): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  const requireString = (field: string) => {
    if (typeof content[field] !== 'string') {
      problems.push({ path: field, message: `is required as a string on ${kind} channels` });
    }
  };
  if (kind === 'email') {
    requireString('subject');
    if (content['html'] === undefined && content['text'] === undefined) {
      problems.push({ path: 'html', message: 'an e-mail offer needs html, text or both' });
    }
    for (const field of ['html', 'text']) {
      if (content[field] !== undefined && typeof content[field] !== 'string') {
        problems.push({ path: field, message: 'must be a string on email channels' });
      }
    }
  } else if (kind === 'sms') {
    requireString('body');
  }
  return problems;
}

/**
 * Builds the request body of a stored message for the channel. The stored payload keeps
 * the offer content as templates and a copy of the customer's attributes from decision
 * time. A missing variable or recipient comes back as a reason, not as an exception, so
 * the caller can cancel the message with it.
 */
export function buildRequestBody(channel: AdapterChannel, payload: unknown): RequestBodyResult {
  const message = readPayload(payload);
  if (message.content === null) {
    // A payload without offer content has nothing to render; webhooks get it as stored.
    return channel.kind === 'webhook' ? { ok: true, body: payload } : { ok: false, reason: 'the message has no offer content to map' };
  }

  const missing = findMissingVariables(message.content, message.context);
  if (missing !== null) {
    return { ok: false, reason: `template variable '${missing.variable}' in content.${missing.path} has no value for this customer` };
  }

  if (channel.kind === 'webhook') {
    const content = renderContent(message.content, message.context, () => false);
    const stored = payload as Record<string, unknown>;
    return { ok: true, body: { ...stored, offer: { ...(stored['offer'] as object), content } } };
  }

  const problems = checkContentForKind(channel.kind, message.content);
  if (problems.length > 0) {
    return { ok: false, reason: `content.${problems[0]!.path} ${problems[0]!.message}` };
  }
  const attribute = channel.recipientAttribute ?? DEFAULT_RECIPIENT_ATTRIBUTE[channel.kind];
  const stored = message.context.customer.attributes[attribute];
  if (typeof stored !== 'string' || stored.trim() === '') {
    return { ok: false, reason: `the customer has no '${attribute}' attribute to send the ${channel.kind} to` };
  }
  // Surrounding spaces are typing slips that providers reject; the address itself is kept
  // as stored (only the audience export lowercases, because it hashes).
  const to = stored.trim();

  // Only the e-mail HTML part is escaped: the text part and SMS are plain text, where
  // entities such as &amp; would show up literally.
  const rendered = renderContent(message.content, message.context, (path) => channel.kind === 'email' && path === 'html') as Record<
    string,
    unknown
  >;
  if (channel.kind === 'sms') {
    return { ok: true, body: { to, body: rendered['body'] } };
  }
  const body: Record<string, unknown> = { to, subject: rendered['subject'] };
  if (rendered['html'] !== undefined) {
    body['html'] = rendered['html'];
  }
  if (rendered['text'] !== undefined) {
    body['text'] = rendered['text'];
  }
  return { ok: true, body };
}

interface StoredMessage {
  content: Record<string, unknown> | null;
  context: TemplateContext;
}

/** Reads the parts of a stored payload that templates use; the payload shape is written by decisioning. */
function readPayload(payload: unknown): StoredMessage {
  const root = asObject(payload);
  const offer = asObject(root['offer']);
  const customer = asObject(root['customer']);
  const content = asObject(offer['content']);
  let customerId = '';
  if (typeof customer['id'] === 'string') {
    customerId = customer['id'];
  } else if (typeof root['customerId'] === 'string') {
    customerId = root['customerId'];
  }
  return {
    content: offer['content'] === undefined ? null : content,
    context: {
      customer: { id: customerId, attributes: asObject(customer['attributes']) },
      offer: { name: typeof offer['name'] === 'string' ? offer['name'] : '', value: typeof offer['value'] === 'number' ? offer['value'] : 0 },
    },
  };
}

function asObject(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
