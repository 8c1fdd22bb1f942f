import { createHmac } from 'node:crypto';

/** Header carrying the request signature: `t=<unix seconds>,v1=<hex HMAC-SHA256>`. */
export const SIGNATURE_HEADER = 'wayline-signature';

/**
 * Signs a request body with the channel's secret. The MAC covers `<t>.<body>`, so a
 * receiver that rejects old timestamps also rejects a captured request replayed later.
 * `body` must be the exact bytes sent, because re-encoded JSON may differ.
 */
export function signWebhookBody(secret: string, body: string, timestampSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${timestampSeconds}.${body}`, 'utf8').digest('hex');
  return `t=${timestampSeconds},v1=${mac}`;
}
