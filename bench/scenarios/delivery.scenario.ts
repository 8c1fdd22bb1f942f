import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { cpuMillisecondsPerUnit } from '../cpu-cost.ts';
import { LOCAL_HOST } from '../local-http-client.ts';
import type { PhaseUsage } from '../process-sampler.ts';
import { logStep, Progress } from '../progress.ts';
import { startWebhookReceiver } from '../webhook-receiver.ts';
import { WaylineProcess } from '../wayline-process.ts';
import type { ScenarioContext, ScenarioResultBase } from './scenario-context.ts';

export interface DeliveryResult extends ScenarioResultBase {
  /** Due messages the scenario created. */
  messages: number;
  /** Worker processes that claimed messages: the deployment's worker and the ones the scenario started. */
  workers: number;
  /** From the moment every message became due until the last one was marked sent, in seconds. */
  seconds: number;
  messagesPerSecond: number;
  /** Messages in `sent` at the end; less than `messages` means the wait timed out or messages failed. */
  sent: number;
  /** POST requests the local receiver got; more than `sent` would mean a duplicate delivery. */
  webhookDeliveries: number;
  /** CPU time per message of each process over the delivery phase, in milliseconds (see cpuMillisecondsPerUnit). */
  cpuMillisecondsPerMessage: Record<string, number>;
}

/** dist/bench/scenarios/delivery.scenario.js sits three folders below the project folder. */
const projectRoot = fileURLToPath(new URL('../../../', import.meta.url));
const POLL_INTERVAL_MS = 100;

/**
 * Measures outreach delivery: N messages already in the table become due at one
 * instant, and K worker processes claim them with SKIP LOCKED and POST each to a
 * receiver on 127.0.0.1 that responds with 200 at once. The figure is the rate of rows
 * marked sent, so it includes the claim, the HTTP round trip and the result write.
 *
 * Needs the servers deployment: the messages are inserted straight into PostgreSQL,
 * and PGlite serves only the one embedded process. Returns null on the embedded stores.
 */
export async function runDeliveryScenario(context: ScenarioContext): Promise<DeliveryResult | null> {
  const { options, deployment, sampler } = context;
  if (deployment.database === null) {
    logStep('delivery: skipped, because it needs DATABASE_URL and REDIS_URL (several worker processes on one PostgreSQL database)');
    return null;
  }

  const receiver = await startWebhookReceiver();
  const client = new pg.Client({ connectionString: deployment.database.url });
  await client.connect();
  const extraWorkers: WaylineProcess[] = [];
  try {
    const channelId = await insertFutureMessages(client, receiver.url, options.deliveryMessages);
    logStep(`delivery: inserted ${options.deliveryMessages} messages, due only when the measurement starts`);

    // The deployment already runs --workers workers, so K workers need the difference.
    const env = workerEnvironment(deployment.database.url, options.logLevel);
    for (let index = options.workers + 1; index <= options.deliveryWorkers; index += 1) {
      const name = `delivery-worker-${index}`;
      const worker = WaylineProcess.start({
        name,
        entry: 'dist/apps/worker/src/main.js',
        env,
        projectRoot,
        logPath: join(projectRoot, 'bench', 'results', 'logs', `servers-${name}.log`),
        cpuProfile: false,
      });
      extraWorkers.push(worker);
      sampler.track(name, worker.pid);
    }
    for (const worker of extraWorkers) {
      await worker.waitForLogLine('Wayline worker started', options.timeoutSeconds * 1000);
    }

    await sampler.beginPhase('delivery');
    const startMs = performance.now();
    await client.query(
      `UPDATE outreach_messages SET send_at = now() - interval '1 second', next_attempt_at = now() - interval '1 second' WHERE channel_id = $1`,
      [channelId],
    );
    const progress = new Progress('delivery');
    const deadline = Date.now() + options.timeoutSeconds * 1000;
    let sent = 0;
    while (Date.now() < deadline) {
      sent = await countSent(client, channelId);
      progress.update(sent / options.deliveryMessages, `${sent} sent`);
      if (sent >= options.deliveryMessages) {
        break;
      }
      await sleep(POLL_INTERVAL_MS);
    }
    const seconds = (performance.now() - startMs) / 1000;
    const usage: PhaseUsage[] = [await sampler.endPhase()];
    if (sent < options.deliveryMessages) {
      throw new Error(`delivery: only ${sent} of ${options.deliveryMessages} messages were sent within ${options.timeoutSeconds} s`);
    }

    return {
      usage,
      messages: options.deliveryMessages,
      workers: options.deliveryWorkers,
      seconds,
      messagesPerSecond: sent / seconds,
      sent,
      webhookDeliveries: receiver.received(),
      cpuMillisecondsPerMessage: cpuMillisecondsPerUnit(usage, sent),
    };
  } finally {
    await Promise.all(extraWorkers.map((worker) => worker.stop()));
    await client.end();
    await receiver.close();
  }
}

/** Inserts a channel, one customer and `count` decisions with one message each, due in a day. Returns the channel id. */
async function insertFutureMessages(client: pg.Client, webhookUrl: string, count: number): Promise<string> {
  const channel = await client.query<{ id: string }>(
    `INSERT INTO channels (name, webhook_url) VALUES ('bench-delivery', $1) RETURNING id::text`,
    [webhookUrl],
  );
  const channelId = channel.rows[0]!.id;
  await client.query(`INSERT INTO customers (id) VALUES ('bench-delivery-customer') ON CONFLICT DO NOTHING`);
  await client.query(
    `WITH decision AS (
       INSERT INTO decisions (customer_id, holdout_group, arm, channel)
       SELECT 'bench-delivery-customer', 'bench-delivery', 'treatment', 'bench-delivery' FROM generate_series(1, $1::int)
       RETURNING id
     )
     INSERT INTO outreach_messages (decision_id, channel_id, payload, send_at, next_attempt_at)
     SELECT id, $2::uuid, jsonb_build_object('decisionId', id, 'offer', jsonb_build_object('subject', 'Benchmark')),
            now() + interval '1 day', now() + interval '1 day'
     FROM decision`,
    [count, channelId],
  );
  return channelId;
}

async function countSent(client: pg.Client, channelId: string): Promise<number> {
  const result = await client.query<{ sent: number }>(
    `SELECT count(*)::int AS sent FROM outreach_messages WHERE channel_id = $1 AND status = 'sent'`,
    [channelId],
  );
  return result.rows[0]!.sent;
}

/** Builds the environment of an extra worker: the deployment's stores, without the benchmark's own settings. */
function workerEnvironment(databaseUrl: string, logLevel: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('BENCH_')) {
      env[key] = value;
    }
  }
  // Never the project's ./.wayline, although a worker on PostgreSQL does not open PGlite.
  return { ...env, NODE_ENV: 'production', HOST: LOCAL_HOST, LOG_LEVEL: logLevel, DATABASE_URL: databaseUrl, WAYLINE_DATA_DIR: 'memory://' };
}
