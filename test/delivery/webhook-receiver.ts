import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the receiver saw it. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
  /** The result of checking `wayline-signature`; `unchecked` when the receiver has no secret. */
  signature: SignatureCheck;
}

export type SignatureCheck = 'unchecked' | 'valid' | 'missing' | 'malformed' | 'mismatch' | 'expired';

export interface ReceiverOptions {
  /** Verify `wayline-signature` with this secret and respond 401 to a request that fails. */
  signingSecret?: string;
  /** Largest accepted difference between the signature's timestamp and the receiver's clock, in seconds. */
  toleranceSeconds?: number;
}

/** The response to one request: a status, sent after an optional delay in milliseconds. */
export interface ReceiverReply {
  status: number;
  delayMs?: number;
}

/** Chooses the reply from the request and its 0-based position among all requests received. */
export type ReplyPlan = (request: ReceivedRequest, index: number) => ReceiverReply;

/**
 * A webhook receiver on 127.0.0.1 with a free port. It records every request and
 * responds as `plan` specifies. Tests may change the plan between ticks.
 */
export class WebhookReceiver {
  readonly requests: ReceivedRequest[] = [];
  plan: ReplyPlan = () => ({ status: 200 });

  private readonly pendingReplies = new Set<NodeJS.Timeout>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(path = '/hook', options: ReceiverOptions = {}): Promise<WebhookReceiver> {
    let receiver: WebhookReceiver | undefined;
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const raw = Buffer.concat(chunks);
        const text = raw.toString('utf8');
        const signature = options.signingSecret === undefined
          ? 'unchecked'
          : verifySignature(request.headers['wayline-signature'], raw, options.signingSecret, options.toleranceSeconds ?? 300);
        const received: ReceivedRequest = {
          method: request.method ?? '',
          path: request.url ?? '',
          headers: request.headers,
          body: text === '' ? undefined : JSON.parse(text),
          signature,
        };
        const index = receiver!.requests.push(received) - 1;
        // A receiver that checks signatures rejects a bad one before it looks at the plan.
        const reply = signature === 'unchecked' || signature === 'valid' ? receiver!.plan(received, index) : { status: 401 };
        const timer = setTimeout(() => {
          receiver!.pendingReplies.delete(timer);
          // A 3xx points back at this receiver, so a client that follows redirects shows up as a second request.
          const headers = reply.status >= 300 && reply.status < 400 ? { location: '/redirected' } : {};
          response.writeHead(reply.status, { 'content-type': 'application/json', ...headers }).end('{"received":true}');
        }, reply.delayMs ?? 0);
        receiver!.pendingReplies.add(timer);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    receiver = new WebhookReceiver(server, `http://127.0.0.1:${port}${path}`);
    return receiver;
  }

  /** Requests that carried `messageId` as their idempotency key. */
  requestsFor(messageId: string): ReceivedRequest[] {
    return this.requests.filter((request) => request.headers['idempotency-key'] === messageId);
  }

  async close(): Promise<void> {
    for (const timer of this.pendingReplies) {
      clearTimeout(timer);
    }
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.server.close((error) => (error ? reject(error) : resolve())));
  }
}

/**
 * Verifies `t=<unix seconds>,v1=<hex>` as docs/delivery.md describes for receivers: the
 * HMAC-SHA256 of `<t>.<raw body>` compared in constant time, and `t` within the tolerance
 * of the receiver's clock. It is written from that page, not with Wayline's signing code.
 */
function verifySignature(header: string | string[] | undefined, rawBody: Buffer, secret: string, toleranceSeconds: number): SignatureCheck {
  if (typeof header !== 'string') {
    return 'missing';
  }
  const fields = new Map(header.split(',').map((part) => part.split('=', 2) as [string, string]));
  const timestamp = Number(fields.get('t'));
  const received = fields.get('v1');
  if (!Number.isInteger(timestamp) || received === undefined || !/^[0-9a-f]{64}$/.test(received)) {
    return 'malformed';
  }
  const expected = createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest();
  if (!timingSafeEqual(expected, Buffer.from(received, 'hex'))) {
    return 'mismatch';
  }
  if (Math.abs(Date.now() / 1000 - timestamp) > toleranceSeconds) {
    return 'expired';
  }
  return 'valid';
}
