import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { LOCAL_HOST } from './local-http-client.ts';

/** A channel webhook on 127.0.0.1 that accepts every POST with 200 and counts them. */
export interface WebhookReceiver {
  /** URL to register as the channel's webhookUrl. */
  url: string;
  /** POST requests received so far. */
  received(): number;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  let received = 0;
  const server = http.createServer((request, response) => {
    // The body is read to the end so the connection can be reused, then dropped.
    request.resume();
    request.on('end', () => {
      if (request.method === 'POST') {
        received += 1;
      }
      response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LOCAL_HOST, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${LOCAL_HOST}:${port}/webhook`,
    received: () => received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
