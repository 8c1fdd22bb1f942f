import { Injectable } from '@nestjs/common';
import { SIGNATURE_HEADER, signWebhookBody } from './signature/webhook-signature.ts';
import type { WebhookResult } from './webhook-result.ts';

export interface WebhookRequest {
  url: string;
  /** Sent as the `idempotency-key` header, so the receiver can drop a repeated delivery. */
  messageId: string;
  /** The request body, encoded as JSON once so the signature covers the bytes sent. */
  payload: unknown;
  timeoutMs: number;
  /** The channel's HMAC key; without one, the request carries no signature header. */
  signingSecret?: string | null;
  /** Time of the signature's timestamp; the current time by default. */
  now?: Date;
}

/**
 * POSTs an outreach message to a channel's webhook. HTTP and network failures come back
 * as a {@link WebhookResult}. The method rejects only on a programming error, such as
 * a payload that JSON cannot encode.
 */
@Injectable()
export class WebhookSender {
  async send(request: WebhookRequest): Promise<WebhookResult> {
    if (!isUsableWebhookUrl(request.url)) {
      return { kind: 'invalid-url' };
    }
    const body = JSON.stringify(request.payload);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'idempotency-key': request.messageId,
      'user-agent': 'wayline',
    };
    if (request.signingSecret) {
      const timestampSeconds = Math.floor((request.now ?? new Date()).getTime() / 1000);
      headers[SIGNATURE_HEADER] = signWebhookBody(request.signingSecret, body, timestampSeconds);
    }

    let response: Response;
    try {
      response = await fetch(request.url, {
        method: 'POST',
        headers,
        body,
        // A redirect counts as a failure instead of being followed, so a message is only
        // ever sent to the URL the channel names.
        redirect: 'manual',
        signal: AbortSignal.timeout(request.timeoutMs),
      });
    } catch (error) {
      if (isTimeout(error)) {
        return { kind: 'timeout', timeoutMs: request.timeoutMs };
      }
      return { kind: 'network-error', code: networkErrorCode(error) };
    }

    // Only the status matters. Cancelling the body frees the connection without reading
    // whatever the receiver sent.
    await response.body?.cancel().catch(() => undefined);
    if (response.status >= 200 && response.status < 300) {
      return { kind: 'delivered', status: response.status };
    }
    return { kind: 'http-error', status: response.status };
  }
}

function isUsableWebhookUrl(value: string): boolean {
  if (!URL.canParse(value)) {
    return false;
  }
  const url = new URL(value);
  const isHttp = url.protocol === 'http:' || url.protocol === 'https:';
  // fetch rejects URLs with credentials, which would otherwise look like a network error.
  return isHttp && url.username === '' && url.password === '';
}

// The checks below read properties instead of using instanceof, because fetch's errors
// can come from another realm (a vm context such as jest's) than this module's classes.

function isTimeout(error: unknown): boolean {
  return propertyOf(error, 'name') === 'TimeoutError';
}

/**
 * Node's fetch rejects with `TypeError: fetch failed` and puts the socket error, which
 * has a `code` such as ECONNREFUSED, in `cause`. Only the code is kept, because the
 * messages can name the address.
 */
function networkErrorCode(error: unknown): string {
  const code = propertyOf(propertyOf(error, 'cause'), 'code') ?? propertyOf(error, 'name');
  return typeof code === 'string' ? code : 'unknown';
}

function propertyOf(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}
