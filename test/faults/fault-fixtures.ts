import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Returns a fresh admin key for a test's processes (WAYLINE_ADMIN_KEY needs at least 32 characters). */
export function newAdminKey(): string {
  return `wl_admin_${randomBytes(24).toString('base64url')}`;
}

const EVENT_KINDS = [
  { type: 'web_visit', touchpoint: 'web_visit', channel: 'web' },
  { type: 'email_open', touchpoint: 'email', channel: 'email' },
  { type: 'call', touchpoint: 'call', channel: 'phone', waitSeconds: 300, text: 'I waited far too long on hold' },
  { type: 'chat', touchpoint: 'chat', channel: 'web', text: 'Thanks, that solved it quickly' },
  { type: 'purchase', touchpoint: 'purchase', channel: 'web', value: 40, rating: 4 },
] as const;

/**
 * Builds the `index`-th event of a synthetic ingest over `customers` customers. Consecutive
 * indexes go to different customers, so each batch touches many customers and each
 * customer gets events in several batches, and therefore in several scoring passes.
 */
export function syntheticEvent(prefix: string, index: number, customers: number, start: number): Record<string, unknown> {
  const kind = EVENT_KINDS[index % EVENT_KINDS.length]!;
  return {
    customerId: `${prefix}-${index % customers}`,
    ...kind,
    // One second apart, so each customer's events arrive in the order they occurred.
    occurredAt: new Date(start + index * 1000).toISOString(),
  };
}

/** Customers whose stored event_count differs from the number of their event rows. */
export interface CountMismatch {
  id: string;
  event_count: number;
  rows: number;
}

/** Reads the facts the exactly-once checks compare, from the database the processes use. */
export async function readScoringFacts(databaseUrl: string): Promise<{
  events: number;
  unscored: number;
  customers: number;
  countedEvents: number;
  mismatches: CountMismatch[];
}> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const totals = await client.query<{ events: number; unscored: number }>(
      'SELECT count(*)::int AS events, count(*) FILTER (WHERE scored_at IS NULL)::int AS unscored FROM events',
    );
    const customers = await client.query<{ customers: number; counted: number }>(
      'SELECT count(*)::int AS customers, coalesce(sum(event_count), 0)::int AS counted FROM customers',
    );
    // event_count goes up by one each time scoring applies an event to the customer's
    // state, so it differs from the number of rows when an event was applied twice or not at all.
    const mismatches = await client.query<CountMismatch>(`
      SELECT c.id, c.event_count, coalesce(e.rows, 0)::int AS rows
      FROM customers c
      LEFT JOIN (SELECT customer_id, count(*) AS rows FROM events GROUP BY customer_id) e ON e.customer_id = c.id
      WHERE c.event_count <> coalesce(e.rows, 0)
      ORDER BY c.id
      LIMIT 20`);
    return {
      events: totals.rows[0]!.events,
      unscored: totals.rows[0]!.unscored,
      customers: customers.rows[0]!.customers,
      countedEvents: customers.rows[0]!.counted,
      mismatches: mismatches.rows,
    };
  } finally {
    await client.end();
  }
}

/** Counts how many of `ids` exist as event rows. */
export async function countStoredEvents(databaseUrl: string, ids: string[]): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const result = await client.query<{ stored: number }>('SELECT count(*)::int AS stored FROM events WHERE id = ANY($1::uuid[])', [ids]);
    return result.rows[0]!.stored;
  } finally {
    await client.end();
  }
}

/** A response of {@link callApi}: status, the Retry-After header and the parsed JSON body. */
export interface ApiResponse {
  status: number;
  retryAfter: string | null;
  body: any;
}

/**
 * Sends one request with the admin key and returns its response. A network failure (the
 * process is gone or hangs past `timeoutMs`) throws, so a test can distinguish it from a 5xx.
 */
export async function callApi(
  baseUrl: string,
  adminKey: string,
  method: string,
  path: string,
  body?: unknown,
  timeoutMs = 15_000,
): Promise<ApiResponse> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${adminKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Keep the raw text in the result; the test decides whether that is a failure.
  }
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: parsed };
}

/**
 * Reads the live feed of the API at `baseUrl` until a message for `customerId` arrives,
 * and returns its data line. Returns undefined when none arrives within `timeoutMs`.
 * `onOpen` runs once the stream is open, so the caller can then cause the message.
 */
export async function readFeedMessage(
  baseUrl: string,
  adminKey: string,
  customerId: string,
  onOpen: () => Promise<void>,
  timeoutMs = 10_000,
): Promise<string | undefined> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await fetch(`${baseUrl}/v1/feed?customer=${encodeURIComponent(customerId)}`, {
      headers: { accept: 'text/event-stream', authorization: `Bearer ${adminKey}` },
      signal: controller.signal,
    });
    if (response.status !== 200 || response.body === null) {
      throw new Error(`GET /v1/feed returned ${response.status}: ${await response.text()}`);
    }
    await onOpen();
    const decoder = new TextDecoder();
    let received = '';
    for await (const chunk of response.body) {
      received += decoder.decode(chunk, { stream: true });
      const line = received.split('\n').find((text) => text.startsWith('data:') && text.includes(customerId));
      if (line !== undefined) {
        return line;
      }
    }
    return undefined;
  } catch (error) {
    if (controller.signal.aborted) {
      return undefined;
    }
    throw error;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}

/** Builds `count` synthetic events of one customer, as a batch body for POST /v1/events. */
export function eventBatch(customerId: string, count: number): { events: Array<Record<string, unknown>> } {
  const start = Date.now() - count * 60_000;
  return {
    events: Array.from({ length: count }, (_, index) => ({
      ...syntheticEvent(customerId, index, 1, start),
      customerId,
    })),
  };
}
