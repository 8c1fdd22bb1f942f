/** One event as `POST /v1/events` accepts it. */
export interface EventBody {
  customerId: string;
  type: string;
  touchpoint: string;
  channel: string;
  occurredAt: string;
  text?: string;
  rating?: number;
  value?: number;
  waitSeconds?: number;
  idempotencyKey?: string;
  attributes?: Record<string, unknown>;
}

/**
 * A mix of interactions: about a third carry free text, which the worker scores with
 * VADER, the costliest step of scoring one event.
 */
const TEMPLATES: Array<Omit<EventBody, 'customerId' | 'occurredAt'>> = [
  { type: 'visit', touchpoint: 'product_view', channel: 'web' },
  { type: 'visit', touchpoint: 'login', channel: 'app' },
  { type: 'call', touchpoint: 'call', channel: 'phone', waitSeconds: 420, text: 'I waited forever and my bill is still wrong.' },
  { type: 'chat', touchpoint: 'chat', channel: 'web', text: 'Thanks, that fixed it, great help!' },
  { type: 'purchase', touchpoint: 'checkout', channel: 'web', value: 80, rating: 5 },
  { type: 'bill_payment', touchpoint: 'bill_payment', channel: 'app', value: 45 },
  { type: 'complaint', touchpoint: 'support_ticket', channel: 'email', text: 'This is the third time the delivery is late. Not happy.' },
  { type: 'visit', touchpoint: 'price_check', channel: 'web' },
  { type: 'email_open', touchpoint: 'email', channel: 'email' },
];

const SEGMENTS = ['consumer', 'small-business', 'premium'];

/** Deterministic 32-bit generator (mulberry32), so two runs with the same sizes send the same events. */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export function customerId(prefix: string, index: number): string {
  return `${prefix}-${String(index).padStart(7, '0')}`;
}

/**
 * Builds event `round` of customer `index`. Rounds are spread over the 30 days before
 * `endMs` in order, so sending round by round delivers events in time order, as a live
 * stream would. The first event of a customer sets its attributes, and purchases carry an
 * idempotency key, as an order system would send.
 */
export function buildEvent(prefix: string, index: number, round: number, rounds: number, endMs: number, random: () => number): EventBody {
  const template = TEMPLATES[Math.floor(random() * TEMPLATES.length)]!;
  const spanMs = 30 * 86_400_000;
  const occurredMs = endMs - spanMs + ((round + random()) * spanMs) / rounds;
  const id = customerId(prefix, index);
  const event: EventBody = { customerId: id, ...template, occurredAt: new Date(occurredMs).toISOString() };
  if (round === 0) {
    event.attributes = { segment: SEGMENTS[index % SEGMENTS.length], optedIn: index % 10 !== 0 };
  }
  if (template.type === 'purchase') {
    event.idempotencyKey = `${id}-order-${round}`;
  }
  return event;
}

/**
 * How events are cut into batches. `time`: round 0 of every customer, then round 1, and
 * so on, as a live stream delivers them, so a batch contains events of many customers and
 * each customer has events in many batches. `customer`: all events of one customer, then
 * the next, as a backfill would send them.
 */
export type EventOrder = 'time' | 'customer';

/**
 * Events of `customers` customers with `rounds` events each, cut into batches of
 * `batchSize` in the given order. Batches are built lazily, so large runs do not hold
 * every event in memory.
 */
export function* eventBatches(options: {
  prefix: string;
  customers: number;
  rounds: number;
  batchSize: number;
  order: EventOrder;
  endMs: number;
  seed: number;
}): Generator<EventBody[]> {
  const random = createRandom(options.seed);
  const total = options.customers * options.rounds;
  let batch: EventBody[] = [];
  for (let position = 0; position < total; position += 1) {
    const index = options.order === 'time' ? position % options.customers : Math.floor(position / options.rounds);
    const round = options.order === 'time' ? Math.floor(position / options.customers) : position % options.rounds;
    batch.push(buildEvent(options.prefix, index, round, options.rounds, options.endMs, random));
    if (batch.length === options.batchSize) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) {
    yield batch;
  }
}
