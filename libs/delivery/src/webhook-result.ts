/** A 2xx response from the webhook. */
export interface WebhookDelivered {
  kind: 'delivered';
  status: number;
}

/** A response with a status outside 2xx. Redirects are not followed, so a 3xx lands here too. */
export interface WebhookHttpError {
  kind: 'http-error';
  status: number;
}

/** The request failed before a response arrived: DNS, refused or reset connection, TLS. */
export interface WebhookNetworkError {
  kind: 'network-error';
  /** Node's error code, such as `ECONNREFUSED`, or the error's name when it has no code. */
  code: string;
}

export interface WebhookTimeout {
  kind: 'timeout';
  timeoutMs: number;
}

/** The channel's webhook URL cannot be parsed, is not http(s), or carries credentials. */
export interface WebhookInvalidUrl {
  kind: 'invalid-url';
}

export type WebhookFailure = WebhookHttpError | WebhookNetworkError | WebhookTimeout | WebhookInvalidUrl;

/** Outcome of one POST to a channel's webhook. */
export type WebhookResult = WebhookDelivered | WebhookFailure;

/**
 * Formats a failure for `last_error` and for logs. The text never contains the URL or
 * the response body, because either may carry secrets or personal data.
 */
export function describeWebhookFailure(failure: WebhookFailure): string {
  switch (failure.kind) {
    case 'http-error':
      return `HTTP ${failure.status}`;
    case 'network-error':
      return `network error: ${failure.code}`;
    case 'timeout':
      return `timed out after ${failure.timeoutMs} ms`;
    case 'invalid-url':
      return 'invalid webhook URL: it must be an absolute http or https URL without credentials';
  }
}
