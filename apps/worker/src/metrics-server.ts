import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplicationContext } from '@nestjs/common';
import type { Logger } from 'pino';
import { HttpDrain, ReadinessService, WaylineMetrics } from '#wayline/observability';

/**
 * Starts the worker's own HTTP server for Prometheus and probes: GET /metrics, /health/live
 * and /health/ready, without API keys, because the worker serves no customer data. Bind it
 * to an address only the monitoring network reaches. Returns the server and its URL.
 */
export async function startWorkerMetricsServer(
  app: INestApplicationContext,
  host: string,
  port: number,
  logger: Logger,
): Promise<{ server: Server; url: string }> {
  const metrics = app.get(WaylineMetrics);
  const readiness = app.get(ReadinessService);
  const drain = app.get(HttpDrain);

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const path = new URL(request.url ?? '/', 'http://worker').pathname;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      sendJson(response, 405, { error: 'method_not_allowed', message: `Method ${request.method} is not allowed; use GET` });
      return;
    }
    if (path === '/metrics') {
      response.writeHead(200, { 'content-type': metrics.contentType });
      response.end(await metrics.render());
      return;
    }
    if (path === '/health/live') {
      sendJson(response, 200, { status: 'ok' });
      return;
    }
    if (path === '/health/ready') {
      const report = await readiness.check();
      sendJson(response, report.status === 'ready' ? 200 : 503, report);
      return;
    }
    sendJson(response, 404, { error: 'not_found', message: `No route ${path}; the worker serves /metrics, /health/live and /health/ready` });
  };

  const server = createServer((request, response) => {
    drain.middleware(request, response, () => {
      handle(request, response).catch((error: unknown) => {
        logger.error({ err: error, path: request.url }, 'Worker metrics request failed');
        if (!response.headersSent) {
          sendJson(response, 500, { error: 'internal_error', message: 'Failed to render the response; see the worker log' });
        } else {
          response.destroy();
        }
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const hostname = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return { server, url: `http://${hostname}:${address.port}` };
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}
