#!/usr/bin/env node
// Replays two public data sets into a running Wayline and prints the journey maps that
// result. It starts nothing itself: start Wayline first (`npm start`), then run
// `npm run replay:journeys -- --url http://127.0.0.1:3000`.
//
// - IBM customer-care conversations on Twitter: each customer turn becomes a `message`
//   event at touchpoint `social_message`, each agent turn before the resolution an
//   `agent_reply` at `social_reply`, and the agent's resolving link a `resolution` event.
//   They go to the `customer-care` journey, which this script creates when it is missing.
// - REES46 e-commerce clickstream: view, cart and purchase become `product_view`, `cart`
//   and `purchase` events on the seeded `retail-purchase` journey, with the price as the
//   value of a purchase.
//
// Every event carries an idempotency key, so a second run adds nothing. Customer ids of the
// care data are hashes of the Twitter handles, so no handle is sent.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse/sync';

const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_DATA_DIR = path.resolve(PROJECT_ROOT, '..', 'shared', 'data');
const CARE_FILE = 'ibm_twitter_customer_care_dev.json';
const RETAIL_FILE = 'rees46_2019oct_first1000_events.csv';

const CARE_JOURNEY = {
  key: 'customer-care',
  name: 'Customer care on social media',
  priority: 10,
  stages: [
    { key: 'contact', name: 'Customer message', touchpoints: ['social_message'] },
    { key: 'agent-reply', name: 'Agent reply', touchpoints: ['social_reply'] },
    { key: 'resolution', name: 'Resolution link', touchpoints: ['resolution'] },
  ],
};
const RETAIL_JOURNEY_KEY = 'retail-purchase';

/** Events per POST; the API accepts up to 1,000. */
const BATCH_SIZE = 500;
const REQUEST_TIMEOUT_MS = 30_000;
const POLL_INTERVAL_MS = 1_000;
/** The events API rejects waits above 30 days. */
const MAX_WAIT_SECONDS = 2_592_000;
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

const HELP = `Usage: npm run replay:journeys -- [options]

Posts the customer-care and e-commerce sample data to a running Wayline, waits until
every event is scored, and prints the resulting journey maps, paths and pain points.

Options:
  --url URL          base URL of a Wayline on this machine (default http://127.0.0.1:3000)
  --data-dir DIR     folder with ${CARE_FILE} and ${RETAIL_FILE}
                     (default ${path.relative(process.cwd(), DEFAULT_DATA_DIR) || DEFAULT_DATA_DIR})
  --timeout SECONDS  how long to wait for scoring before giving up (default 180)
  --help             print this text`;

async function main() {
  const options = readOptions();
  const api = createApiClient(options.url);

  const health = await api.request('GET', '/health');
  console.log(`Wayline at ${options.url}: database ${health.database}, live store ${health.liveStore}`);
  await ensureJourneys(api);

  const careEvents = withoutRepeatedKeys(
    buildCareEvents(JSON.parse(await readFile(path.join(options.dataDir, CARE_FILE), 'utf8'))),
    'customer-care',
  );
  const retailEvents = buildRetailEvents(await readFile(path.join(options.dataDir, RETAIL_FILE), 'utf8'));
  for (const [label, events] of [['customer care', careEvents], ['e-commerce', retailEvents]]) {
    const { accepted, duplicates } = await postEvents(api, events);
    console.log(`Posted ${events.length} ${label} events: ${accepted} new, ${duplicates} already stored`);
  }

  const expected = new Map([
    [CARE_JOURNEY.key, careEvents.length],
    [RETAIL_JOURNEY_KEY, retailEvents.length],
  ]);
  const maps = await waitUntilScored(api, expected, options.timeoutSeconds * 1000);
  for (const [key, map] of maps) {
    const paths = await api.request('GET', `/v1/journeys/${key}/paths?limit=5`);
    const painPoints = await api.request('GET', `/v1/journeys/${key}/pain-points`);
    console.log('');
    printMap(map);
    printPaths(paths);
    printPainPoints(painPoints);
  }
}

function readOptions() {
  const { values } = parseArgs({
    options: {
      url: { type: 'string', default: 'http://127.0.0.1:3000' },
      'data-dir': { type: 'string', default: DEFAULT_DATA_DIR },
      timeout: { type: 'string', default: '180' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    process.exit(0);
  }

  let url;
  try {
    url = new URL(values.url);
  } catch {
    fail(`--url ${values.url} is not a URL; give one such as http://127.0.0.1:3000`);
  }
  if (!LOCAL_HOSTS.has(url.hostname)) {
    fail(`--url must point at this machine (127.0.0.1 or localhost), not ${url.hostname}`);
  }
  const timeoutSeconds = Number(values.timeout);
  if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1 || timeoutSeconds > 3600) {
    fail(`--timeout ${values.timeout} is invalid; give a whole number of seconds from 1 to 3600`);
  }
  return { url: url.origin, dataDir: path.resolve(values['data-dir']), timeoutSeconds };
}

function createApiClient(baseUrl) {
  return {
    async request(method, route, body, okStatuses = [200, 201, 202]) {
      let response;
      try {
        response = await fetch(`${baseUrl}${route}`, {
          method,
          headers: body === undefined ? {} : { 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
      } catch (error) {
        fail(`${method} ${baseUrl}${route} failed: ${error.cause?.message ?? error.message}. Is Wayline running there (npm start)?`);
      }
      const text = await response.text();
      const parsed = text === '' ? null : JSON.parse(text);
      if (!okStatuses.includes(response.status)) {
        const error = new Error(`${method} ${route} returned ${response.status}: ${text.slice(0, 500)}`);
        error.status = response.status;
        throw error;
      }
      return parsed;
    },
  };
}

/** Creates the care journey when it is missing, and checks that the retail journey is active. */
async function ensureJourneys(api) {
  const care = await api.request('GET', `/v1/admin/journeys/${CARE_JOURNEY.key}`, undefined, [200, 404]);
  if (care?.key === undefined) {
    await api.request('POST', '/v1/admin/journeys', CARE_JOURNEY);
    console.log(`Created journey ${CARE_JOURNEY.key}`);
  } else if (!care.active) {
    fail(`journey ${CARE_JOURNEY.key} is inactive; reactivate it with PATCH /v1/admin/journeys/${CARE_JOURNEY.key} {"active":true}`);
  }
  const retail = await api.request('GET', `/v1/admin/journeys/${RETAIL_JOURNEY_KEY}`, undefined, [200, 404]);
  if (retail?.active !== true) {
    fail(`journey ${RETAIL_JOURNEY_KEY} is missing or inactive; it is seeded by migration 0002_journeys`);
  }
}

function buildCareEvents(conversations) {
  const events = [];
  for (const conversation of conversations) {
    const turns = conversation.dialogContent ?? [];
    const handle = turns.map((turn) => turn.client ?? turn.client1).find((name) => name !== undefined);
    if (handle === undefined) {
      continue;
    }
    const customerId = `care-${createHash('sha256').update(handle).digest('hex').slice(0, 12)}`;
    const company = conversation.dialogHeader.company;
    let lastCustomerTurnAt;
    let lastTurnAt;

    for (const turn of turns) {
      const occurredAt = new Date(turn.datetime);
      const common = { customerId, channel: 'social', occurredAt: occurredAt.toISOString(), journey: CARE_JOURNEY.key };
      if (turn.agent === undefined) {
        events.push({
          ...common,
          type: 'message',
          touchpoint: 'social_message',
          text: turn.message.replaceAll('\u0000', '').slice(0, 10_000),
          attributes: { company },
          properties: { company },
          idempotencyKey: `care-tweet-${turn.tweet_ID}`,
        });
        lastCustomerTurnAt = occurredAt;
      } else {
        events.push({
          ...common,
          type: 'agent_reply',
          touchpoint: 'social_reply',
          waitSeconds: waitSince(lastCustomerTurnAt, occurredAt),
          properties: { company },
          idempotencyKey: `care-tweet-${turn.tweet_ID}`,
        });
      }
      lastTurnAt = occurredAt;
    }

    // The header's duration runs from the first turn to the agent's resolving reply.
    const resolvedAt = new Date(
      Math.max(lastTurnAt.getTime(), new Date(conversation.dialogHeader.conversationDateTime).getTime() + durationMs(conversation.dialogHeader.duration)),
    );
    events.push({
      customerId,
      type: 'resolution',
      touchpoint: 'resolution',
      channel: 'social',
      occurredAt: resolvedAt.toISOString(),
      journey: CARE_JOURNEY.key,
      waitSeconds: waitSince(lastCustomerTurnAt, resolvedAt),
      properties: { company, documentId: conversation.agentURL.doc_id },
      idempotencyKey: `care-resolution-${conversation.agentURL.tweet_ID}`,
    });
  }
  return events;
}

/** Seconds from the customer's last turn to `at`, or null before any customer turn. */
function waitSince(customerTurnAt, at) {
  if (customerTurnAt === undefined) {
    return null;
  }
  return Math.min(MAX_WAIT_SECONDS, Math.max(0, (at.getTime() - customerTurnAt.getTime()) / 1000));
}

/** Parses `HH:MM:SS.s` (hours may exceed 24) into milliseconds; 0 when malformed. */
function durationMs(text) {
  const match = /^(\d+):(\d{2}):(\d{2}(?:\.\d+)?)$/.exec(text ?? '');
  if (match === null) {
    return 0;
  }
  return ((Number(match[1]) * 60 + Number(match[2])) * 60 + Number(match[3])) * 1000;
}

const RETAIL_EVENT_TYPES = {
  view: { type: 'product_view', touchpoint: 'product_view' },
  cart: { type: 'cart_add', touchpoint: 'cart' },
  purchase: { type: 'purchase', touchpoint: 'purchase' },
};

function buildRetailEvents(csv) {
  // category_id has 19 digits, more than a JS number represents exactly, so every column stays a string.
  const rows = parse(csv, { columns: true, skip_empty_lines: true });
  const events = [];
  rows.forEach((row, index) => {
    const mapped = RETAIL_EVENT_TYPES[row.event_type];
    if (mapped === undefined) {
      console.warn(`Skipped row ${index + 2} with event type '${row.event_type}'`);
      return;
    }
    const price = Number(row.price);
    events.push({
      customerId: `rees46-${row.user_id}`,
      ...mapped,
      channel: 'web',
      occurredAt: new Date(row.event_time.replace(' UTC', 'Z').replace(' ', 'T')).toISOString(),
      journey: RETAIL_JOURNEY_KEY,
      value: row.event_type === 'purchase' && Number.isFinite(price) ? price : null,
      properties: {
        productId: row.product_id,
        categoryId: row.category_id,
        categoryCode: row.category_code || null,
        brand: row.brand || null,
        session: row.user_session,
      },
      // Rows carry no id, and identical rows occur, so the key is the row's position in the file.
      idempotencyKey: `rees46-2019oct-row-${index + 2}`,
    });
  });
  return events;
}

/**
 * Drops events whose idempotency key came earlier in the list, because the care file
 * contains two conversations twice, with the same tweets. Wayline would store them once
 * anyway, but the wait for scoring counts the events sent.
 */
function withoutRepeatedKeys(events, label) {
  const seen = new Set();
  const unique = events.filter((event) => !seen.has(event.idempotencyKey) && seen.add(event.idempotencyKey));
  if (unique.length < events.length) {
    console.log(`Skipped ${events.length - unique.length} ${label} events that repeat a tweet already in the file`);
  }
  return unique;
}

async function postEvents(api, events) {
  let accepted = 0;
  let duplicates = 0;
  for (let start = 0; start < events.length; start += BATCH_SIZE) {
    const result = await api.request('POST', '/v1/events', { events: events.slice(start, start + BATCH_SIZE) });
    accepted += result.accepted;
    duplicates += result.duplicates;
  }
  return { accepted, duplicates };
}

/** Polls each journey's map until it counts the replayed events, or fails after `timeoutMs`. */
async function waitUntilScored(api, expected, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  const maps = new Map();
  for (;;) {
    for (const key of expected.keys()) {
      maps.set(key, await api.request('GET', `/v1/journeys/${key}/map`));
    }
    const pending = [...expected].filter(([key, count]) => (maps.get(key)?.totals.events ?? 0) < count);
    if (pending.length === 0) {
      return maps;
    }
    if (Date.now() > deadline) {
      const progress = pending.map(([key, count]) => `${key} ${maps.get(key)?.totals.events ?? 0} of ${count}`).join(', ');
      fail(`timed out after ${timeoutMs / 1000} s waiting for scoring (${progress}); is the worker running?`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}

function printMap(map) {
  console.log(`Journey ${map.journey.key} (${map.journey.name}): ${map.totals.events} events, ${map.totals.customers} customers`);
  const header = ['stage / touchpoint', 'events', 'customers', 'valence', 'negative', 'wait p50', 'wait p90', 'to later stage'];
  const rows = [];
  for (const stage of map.stages) {
    rows.push([stage.key, stage.events, stage.customers, '', '', '', '', formatConversion(stage.conversion)]);
    for (const cell of stage.touchpoints) {
      rows.push([
        `  ${cell.touchpoint}${cell.defined ? '' : ' (not listed)'}`,
        cell.events,
        cell.customers,
        formatNumber(cell.meanValence, 2),
        formatShare(cell.negativeShare),
        formatSeconds(cell.waitSeconds.p50),
        formatSeconds(cell.waitSeconds.p90),
        formatConversion(cell.conversion),
      ]);
    }
  }
  for (const other of map.otherStages) {
    rows.push([`${other.stage} (not a stage of this journey)`, other.events, other.customers, '', '', '', '', '']);
  }
  printTable(header, rows);
}

function printPaths(paths) {
  console.log(`Top paths of ${paths.customers} customers (${paths.distinctPaths} distinct):`);
  printTable(
    ['path', 'customers', 'share', 'converted'],
    paths.paths.map((route) => [formatPath(route.stages), route.customers, formatShare(route.share), formatShare(route.conversionRate)]),
  );
  if (paths.forks.length === 0) {
    console.log(
      `No forks (a branch needs ${formatShare(paths.forkRule.minRouteShare)} of the customers who moved on and ` +
        `${paths.forkRule.minRouteCustomers} customers).`,
    );
  }
  for (const fork of paths.forks) {
    const routes = fork.routes.map((route) => `${route.secondStage} ${route.customers} (${formatShare(route.share)})`).join(', ');
    console.log(`Fork after ${fork.firstStage}: ${routes}`);
  }
}

function printPainPoints(painPoints) {
  if (painPoints.ranked.length === 0) {
    console.log(
      `Pain points: no touchpoint has ${painPoints.minCustomers} customers with a bad and ${painPoints.minCustomers} with a good experience.`,
    );
  }
  for (const view of painPoints.ranked) {
    console.log(
      `Pain point #${view.rank} ${view.touchpoint}: conversion ${formatShare(view.good.conversionRate)} after good ` +
        `(${view.good.customers}) vs ${formatShare(view.bad.conversionRate)} after bad (${view.bad.customers}), ` +
        `churn gap ${formatNumber(view.churnGap.difference, 3)}`,
    );
  }
  const thin = painPoints.insufficientData
    .filter((view) => view.bad.customers + view.good.customers > 0)
    .map((view) => `${view.touchpoint} (${view.bad.customers} bad, ${view.good.customers} good)`);
  if (thin.length > 0) {
    console.log(`Too little data: ${thin.join(', ')}`);
  }
}

function printTable(header, rows) {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => String(row[column]).length)));
  const line = (cells) =>
    cells.map((cell, column) => (column === 0 ? String(cell).padEnd(widths[column]) : String(cell).padStart(widths[column]))).join('  ');
  console.log(line(header));
  for (const row of rows) {
    console.log(line(row));
  }
}

/** Joins the stages, keeping the first four and the last two of a long path. */
function formatPath(stages) {
  if (stages.length <= 8) {
    return stages.join(' > ');
  }
  return [...stages.slice(0, 4), `(${stages.length - 6} more)`, ...stages.slice(-2)].join(' > ');
}

function formatNumber(value, digits) {
  return value === null ? '-' : value.toFixed(digits);
}

function formatShare(value) {
  return value === null ? '-' : `${(value * 100).toFixed(1)}%`;
}

function formatSeconds(value) {
  return value === null ? '-' : `${Math.round(value)} s`;
}

function formatConversion(conversion) {
  return conversion === null ? '' : `${conversion.converted}/${conversion.customers}`;
}

function fail(message) {
  console.error(`replay-journeys: ${message}`);
  process.exit(1);
}

main().catch((error) => {
  console.error(`replay-journeys: ${error.message}`);
  process.exit(1);
});
