import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the receiver saw it. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
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

  static async start(path = '/hook'): Promise<WebhookReceiver> {
    let receiver: WebhookReceiver | undefined;
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const received: ReceivedRequest = {
          method: request.method ?? '',
          path: request.url ?? '',
          headers: request.headers,
          body: text === '' ? undefined : JSON.parse(text),
        };
        const index = receiver!.requests.push(received) - 1;
        const reply = receiver!.plan(received, index);
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
