import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AppProcess } from '../support/app-process.ts';
import { createTestDatabaseConfig } from '../support/test-stores.ts';
import { newAdminKey } from '../faults/fault-fixtures.ts';

// These tests start the built processes: run `npm run build` first. Without DATABASE_URL
// each process gets a fresh PGlite folder; with it, a fresh PostgreSQL database.

interface StoreEnv {
  env: NodeJS.ProcessEnv;
  cleanup(): Promise<void>;
}

async function freshStores(): Promise<StoreEnv> {
  if (process.env.DATABASE_URL) {
    const { database, drop } = await createTestDatabaseConfig();
    return {
      env: { DATABASE_URL: database.kind === 'postgres' ? database.url : '', REDIS_URL: process.env.REDIS_URL ?? '' },
      cleanup: drop,
    };
  }
  const folder = await mkdtemp(path.join(tmpdir(), 'wayline-shutdown-'));
  return { env: { WAYLINE_DATA_DIR: folder }, cleanup: () => rm(folder, { recursive: true, force: true }) };
}

/**
 * Starts a POST of events whose headers go out at once and whose body is held back until
 * `finish` is called, so the request stays in flight on the server as long as the test needs.
 */
function startPartialUpload(url: string, key: string, body: string): { finish(): void; response: Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> } {
  const request = http.request(`${url}/v1/events`, {
    method: 'POST',
    agent: false,
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${key}` },
  });
  const split = Math.floor(body.length / 2);
  request.write(body.slice(0, split));
  const response = new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    request.on('error', reject);
    request.on('response', (incoming) => {
      let text = '';
      incoming.setEncoding('utf8');
      incoming.on('data', (chunk: string) => (text += chunk));
      incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, body: text }));
    });
  });
  return { finish: () => request.end(body.slice(split)), response };
}

/** Resolves with the error code of a new TCP connection to `url`, or 'connected'. */
async function tryConnect(url: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const eventBatch = (count: number): string =>
  JSON.stringify({
    events: Array.from({ length: count }, (_, index) => ({
      customerId: `shutdown-${index % 50}`,
      type: 'web_visit',
      touchpoint: 'web_visit',
      channel: 'web',
      occurredAt: new Date(Date.UTC(2026, 10, 1) + index * 1000).toISOString(),
    })),
  });

describe('graceful shutdown of the built server', () => {
  let stores: StoreEnv;
  let server: AppProcess | undefined;
  const adminKey = newAdminKey();

  beforeEach(async () => {
    stores = await freshStores();
  });

  afterEach(async () => {
    await server?.stop('SIGKILL');
    server = undefined;
    await stores.cleanup();
  }, 30_000);

  it('drains a request and exits 0', async () => {
    server = await AppProcess.start('server', { ...stores.env, WAYLINE_ADMIN_KEY: adminKey, WAYLINE_SHUTDOWN_TIMEOUT_MS: '20000' }, 60_000);
    const url = server.url!;

    const feed = await fetch(`${url}/v1/feed`, { headers: { authorization: `Bearer ${adminKey}` } });
    expect(feed.status).toBe(200);
    const feedEnded = feed.text();

    const upload = startPartialUpload(url, adminKey, eventBatch(200));
    // The request counts as in flight once its headers arrive; wait for that to be sure.
    await new Promise((resolve) => setTimeout(resolve, 300));

    const signalledAt = Date.now();
    server.kill('SIGTERM');
    const started = await server.waitForLog((line) => line.msg.startsWith('Shutting down'));
    expect(started.requestsInFlight).toBeGreaterThanOrEqual(1);

    // The feed ends at once, and the port no longer accepts connections.
    await expect(feedEnded).resolves.toEqual(expect.any(String));
    expect(await tryConnect(url)).toBe('ECONNREFUSED');
    expect(server.alive).toBe(true);

    upload.finish();
    const response = await upload.response;
    expect(response.status).toBe(202);
    expect(JSON.parse(response.body).accepted).toBe(200);
    expect(response.headers.connection).toBe('close');

    await server.stop('SIGTERM', 20_000);
    expect({ exit: server.exit, log: server.exit?.code === 0 ? '' : server.tail() }).toEqual({ exit: { code: 0, signal: null }, log: '' });
    expect(Date.now() - signalledAt).toBeLessThan(20_000);
    expect(server.logs.some((line) => line.msg === 'Shutdown finished')).toBe(true);
    expect(server.logsAtLeast(50)).toEqual([]);
  }, 120_000);

  it('waits for a delivery batch', async () => {
    // A channel webhook that holds its response until the test releases it.
    let releaseWebhook: () => void = () => {};
    const webhookReleased = new Promise<void>((resolve) => (releaseWebhook = resolve));
    let webhookCalled: () => void = () => {};
    const webhookCall = new Promise<void>((resolve) => (webhookCalled = resolve));
    const webhook = http.createServer((request, response) => {
      request.resume();
      webhookCalled();
      void webhookReleased.then(() => response.writeHead(200).end('{}'));
    });
    webhook.listen(0, '127.0.0.1');
    await once(webhook, 'listening');
    const webhookUrl = `http://127.0.0.1:${(webhook.address() as net.AddressInfo).port}/hook`;

    try {
      server = await AppProcess.start('server', { ...stores.env, WAYLINE_ADMIN_KEY: adminKey, WAYLINE_SHUTDOWN_TIMEOUT_MS: '20000' }, 60_000);
      const call = (method: string, route: string, body?: unknown): Promise<Response> =>
        fetch(`${server!.url}${route}`, {
          method,
          headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      expect((await call('POST', '/v1/admin/channels', { name: 'email', webhookUrl })).status).toBe(201);
      expect((await call('POST', '/v1/admin/offers', { name: 'voucher', channel: 'email', content: { subject: 'Voucher' }, value: 5 })).status).toBe(201);
      const campaign = { key: 'drain', name: 'Drain', rule: { '>=': [{ var: 'customer.engagement' }, 0] }, offers: ['voucher'], holdoutShare: 0 };
      expect((await call('POST', '/v1/admin/campaigns', campaign)).status).toBe(201);
      const event = { customerId: 'drain-1', type: 'web_visit', touchpoint: 'web_visit', channel: 'web', occurredAt: new Date().toISOString() };
      expect((await call('POST', '/v1/events', event)).status).toBe(202);
      const decision = await call('GET', '/v1/customers/drain-1/next-best-offer?channel=email');
      expect(decision.status).toBe(200);
      expect(((await decision.json()) as { arm: string }).arm).toBe('treatment');

      await webhookCall;
      server.kill('SIGTERM');
      await server.waitForLog((line) => line.msg.startsWith('Shutting down'));
      // The delivery job waits for its batch, so the process is still running.
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(server.alive).toBe(true);

      releaseWebhook();
      await server.stop('SIGTERM', 20_000);
      expect(server.exit).toEqual({ code: 0, signal: null });
      const tick = server.logs.find((line) => line.msg === 'Delivery tick finished');
      expect(tick?.sent).toBe(1);
      const finishedAt = server.logs.findIndex((line) => line.msg === 'Delivery tick finished');
      const closedAt = server.logs.findIndex((line) => line.msg === 'Closed the database and the live store');
      expect(finishedAt).toBeLessThan(closedAt);
    } finally {
      releaseWebhook();
      webhook.closeAllConnections();
      await new Promise((resolve) => webhook.close(resolve));
    }
  }, 120_000);

  it('counts a doubled SIGINT once', async () => {
    server = await AppProcess.start('server', { ...stores.env, WAYLINE_ADMIN_KEY: adminKey, WAYLINE_SHUTDOWN_TIMEOUT_MS: '20000' }, 60_000);
    const upload = startPartialUpload(server.url!, adminKey, eventBatch(10));
    upload.response.catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 300));

    // A terminal and npm both deliver Ctrl-C: the same signal twice, milliseconds apart.
    server.kill('SIGINT');
    server.kill('SIGINT');
    await server.waitForLog((line) => line.msg.startsWith('Shutting down'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(server.alive).toBe(true);

    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await server.stop('SIGINT', 15_000);
    expect(server.exit).toEqual({ code: 1, signal: null });
    expect(server.logs.some((line) => line.msg === 'Received a second shutdown signal; exiting without waiting')).toBe(true);
  }, 120_000);

  it('exits 1 past the deadline', async () => {
    server = await AppProcess.start('server', { ...stores.env, WAYLINE_ADMIN_KEY: adminKey, WAYLINE_SHUTDOWN_TIMEOUT_MS: '1500' }, 60_000);
    const upload = startPartialUpload(server.url!, adminKey, eventBatch(10));
    upload.response.catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 300));

    const signalledAt = Date.now();
    await server.stop('SIGTERM', 15_000);
    expect(server.exit).toEqual({ code: 1, signal: null });
    expect(Date.now() - signalledAt).toBeLessThan(5_000);
    expect(server.logsAtLeast(50).map((line) => line.msg).join('\n')).toMatch(/still running at the shutdown deadline|did not finish within/);
  }, 120_000);
});

describe('graceful shutdown of the built worker', () => {
  let stores: StoreEnv;
  let worker: AppProcess | undefined;

  beforeAll(async () => {
    stores = await freshStores();
  });

  afterAll(async () => {
    await worker?.stop('SIGKILL');
    await stores.cleanup();
  }, 30_000);

  it('serves metrics, then exits 0', async () => {
    const port = await freePort();
    worker = await AppProcess.start('worker', { ...stores.env, WAYLINE_WORKER_METRICS_PORT: String(port) }, 60_000);
    const base = `http://127.0.0.1:${port}`;

    const ready = await fetch(`${base}/health/ready`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { checks: { database: { status: string } } }).checks.database.status).toBe('up');
    expect((await fetch(`${base}/health/live`)).status).toBe(200);
    const metrics = await fetch(`${base}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('wayline_deliveries_total');
    expect((await fetch(`${base}/nothing`)).status).toBe(404);

    await worker.stop('SIGTERM', 20_000);
    expect(worker.exit).toEqual({ code: 0, signal: null });
    expect(worker.logs.some((line) => line.msg === 'Shutdown finished')).toBe(true);
  }, 120_000);
});
