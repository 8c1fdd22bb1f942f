import { isAbsolute, resolve } from 'node:path';
import type { EventOrder } from './synthetic-events.ts';

export const SCENARIO_NAMES = ['ingestion', 'next-best-offer', 'delivery'] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

/** Settings of one benchmark run. Each has a flag and a `BENCH_*` environment variable. */
export interface BenchOptions {
  /** Customers of the ingestion scenario. */
  customers: number;
  eventsPerCustomer: number;
  /** Events per `POST /v1/events` request, at most 1000 (the API's limit). */
  batchSize: number;
  /** Concurrent connections that send event batches. */
  ingestionConcurrency: number;
  /** Order in which the ingestion scenario cuts events into batches. */
  eventOrder: EventOrder;
  /** Concurrent connections of the closed-loop latency runs. */
  concurrency: number;
  /** Length of each measured latency run, in seconds. */
  durationSeconds: number;
  /** Upper bound on the requests of each latency run, whatever its duration. */
  maxRequests: number;
  /** Customers the next-best-offer scenario creates and decides for. */
  offerCustomers: number;
  /** Active campaigns of the next-best-offer scenario. */
  offerCampaigns: number;
  /** Offers of the next-best-offer scenario, spread over its campaigns. */
  offers: number;
  /** Due outreach messages of the delivery scenario. */
  deliveryMessages: number;
  /** Worker processes of the delivery scenario, the deployment's own worker included. */
  deliveryWorkers: number;
  /** Worker processes on the servers; the embedded store runs one process. */
  workers: number;
  /** Maximum wait for the worker to score every ingested event, and for a process to start, in seconds. */
  timeoutSeconds: number;
  scenarios: ScenarioName[];
  /** Writes a V8 CPU profile of each Wayline process into the results folder. */
  cpuProfile: boolean;
  /** LOG_LEVEL given to the Wayline processes. */
  logLevel: string;
  /** JSON result file, absolute. */
  output: string;
}

interface OptionSpec {
  flag: string;
  env: string;
  help: string;
  defaultValue: string;
}

const OPTION_SPECS: Record<keyof BenchOptions, OptionSpec> = {
  customers: { flag: 'customers', env: 'BENCH_CUSTOMERS', defaultValue: '5000', help: 'customers whose events the ingestion scenario sends' },
  eventsPerCustomer: { flag: 'events-per-customer', env: 'BENCH_EVENTS_PER_CUSTOMER', defaultValue: '10', help: 'events per customer in the ingestion scenario' },
  batchSize: { flag: 'batch-size', env: 'BENCH_BATCH_SIZE', defaultValue: '500', help: 'events per POST /v1/events request, 1 to 1000' },
  ingestionConcurrency: { flag: 'ingestion-concurrency', env: 'BENCH_INGESTION_CONCURRENCY', defaultValue: '4', help: 'concurrent connections that send event batches' },
  eventOrder: { flag: 'event-order', env: 'BENCH_EVENT_ORDER', defaultValue: 'time', help: "'time': batches mix many customers, as a live stream; 'customer': each customer's events together, as a backfill" },
  concurrency: { flag: 'concurrency', env: 'BENCH_CONCURRENCY', defaultValue: '8', help: 'concurrent connections of the closed-loop latency runs' },
  durationSeconds: { flag: 'duration-seconds', env: 'BENCH_DURATION_SECONDS', defaultValue: '10', help: 'length of each measured latency run, in seconds' },
  maxRequests: { flag: 'max-requests', env: 'BENCH_MAX_REQUESTS', defaultValue: '200000', help: 'upper bound on the requests of each latency run' },
  offerCustomers: { flag: 'offer-customers', env: 'BENCH_OFFER_CUSTOMERS', defaultValue: '100000', help: 'customers the next-best-offer scenario decides for' },
  offerCampaigns: { flag: 'offer-campaigns', env: 'BENCH_OFFER_CAMPAIGNS', defaultValue: '50', help: 'active campaigns of the next-best-offer scenario, at least 1' },
  offers: { flag: 'offers', env: 'BENCH_OFFERS', defaultValue: '200', help: 'offers of the next-best-offer scenario, at least as many as campaigns' },
  deliveryMessages: { flag: 'delivery-messages', env: 'BENCH_DELIVERY_MESSAGES', defaultValue: '10000', help: 'due outreach messages the delivery scenario sends' },
  deliveryWorkers: { flag: 'delivery-workers', env: 'BENCH_DELIVERY_WORKERS', defaultValue: '3', help: 'worker processes of the delivery scenario, the deployment worker included (servers only)' },
  workers: { flag: 'workers', env: 'BENCH_WORKERS', defaultValue: '1', help: 'worker processes on the servers (scoring, delivery, training); the embedded store runs one process' },
  timeoutSeconds: { flag: 'timeout-seconds', env: 'BENCH_TIMEOUT_SECONDS', defaultValue: '120', help: 'maximum wait for a process to start or for scoring to finish, in seconds' },
  scenarios: { flag: 'scenarios', env: 'BENCH_SCENARIOS', defaultValue: SCENARIO_NAMES.join(','), help: `comma-separated list of ${SCENARIO_NAMES.join(', ')}` },
  cpuProfile: { flag: 'cpu-profile', env: 'BENCH_CPU_PROFILE', defaultValue: 'false', help: 'write a V8 CPU profile of each Wayline process (flag without value, or true/false)' },
  logLevel: { flag: 'log-level', env: 'BENCH_LOG_LEVEL', defaultValue: 'info', help: 'LOG_LEVEL of the Wayline processes' },
  output: { flag: 'output', env: 'BENCH_OUTPUT', defaultValue: 'bench/results/latest.json', help: 'JSON result file, relative to the project folder' },
};

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export class InvalidOptionsError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid benchmark options: ${problems.join('; ')}. Run with --help for the list.`);
    this.name = 'InvalidOptionsError';
  }
}

/** Text of `--help`. */
export function usage(): string {
  const lines = ['Usage: npm run bench -- [options]', '', 'Options (flag, environment variable, default):'];
  for (const spec of Object.values(OPTION_SPECS)) {
    lines.push(`  --${spec.flag.padEnd(22)} ${spec.env.padEnd(28)} ${spec.defaultValue}`);
    lines.push(`      ${spec.help}`);
  }
  lines.push(
    '',
    'With DATABASE_URL and REDIS_URL set, the benchmark runs the API and worker processes against',
    'a database it creates on that server and drops afterwards. Otherwise it runs the single',
    'embedded process on a temporary PGlite folder.',
  );
  return lines.join('\n');
}

/** Returns true when the arguments ask for help. */
export function wantsHelp(argv: string[]): boolean {
  return argv.includes('--help') || argv.includes('-h');
}

/**
 * Parses flags (`--name value` or `--name=value`) over `BENCH_*` variables over the
 * defaults. Every invalid value is listed in one error.
 */
export function parseOptions(argv: string[], env: NodeJS.ProcessEnv, projectRoot: string): BenchOptions {
  const raw = new Map<string, string>();
  const problems: string[] = [];
  const knownFlags = new Map(Object.entries(OPTION_SPECS).map(([key, spec]) => [spec.flag, key]));

  for (const [key, spec] of Object.entries(OPTION_SPECS)) {
    const fromEnv = env[spec.env];
    raw.set(key, fromEnv !== undefined && fromEnv !== '' ? fromEnv : spec.defaultValue);
  }
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index]!;
    if (!argument.startsWith('--')) {
      problems.push(`unexpected argument '${argument}'`);
      continue;
    }
    const [flag, inlineValue] = splitFlag(argument.slice(2));
    const key = knownFlags.get(flag);
    if (key === undefined) {
      problems.push(`unknown option --${flag}`);
      continue;
    }
    if (inlineValue !== undefined) {
      raw.set(key, inlineValue);
    } else if (key === 'cpuProfile') {
      raw.set(key, 'true');
    } else if (index + 1 < argv.length) {
      index += 1;
      raw.set(key, argv[index]!);
    } else {
      problems.push(`--${flag} is missing its value`);
    }
  }

  const integer = (key: keyof BenchOptions, min: number, max: number): number => {
    const text = raw.get(key)!;
    const value = Number(text);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`--${OPTION_SPECS[key].flag} must be a whole number from ${min} to ${max}, not '${text}'`);
      return min;
    }
    return value;
  };

  const options: BenchOptions = {
    customers: integer('customers', 1, 10_000_000),
    eventsPerCustomer: integer('eventsPerCustomer', 1, 10_000),
    batchSize: integer('batchSize', 1, 1000),
    ingestionConcurrency: integer('ingestionConcurrency', 1, 256),
    eventOrder: parseEventOrder(raw.get('eventOrder')!, problems),
    concurrency: integer('concurrency', 1, 1024),
    durationSeconds: integer('durationSeconds', 1, 3600),
    maxRequests: integer('maxRequests', 1, 100_000_000),
    offerCustomers: integer('offerCustomers', 1, 1_000_000),
    offerCampaigns: integer('offerCampaigns', 1, 1_000),
    offers: integer('offers', 1, 10_000),
    deliveryMessages: integer('deliveryMessages', 1, 10_000_000),
    deliveryWorkers: integer('deliveryWorkers', 1, 64),
    workers: integer('workers', 1, 16),
    timeoutSeconds: integer('timeoutSeconds', 1, 86_400),
    scenarios: parseScenarios(raw.get('scenarios')!, problems),
    cpuProfile: parseBoolean(raw.get('cpuProfile')!, problems),
    logLevel: raw.get('logLevel')!,
    output: resolveOutput(raw.get('output')!, projectRoot),
  };
  if (options.offers < options.offerCampaigns) {
    problems.push(`--offers (${options.offers}) must be at least --offer-campaigns (${options.offerCampaigns}), so each campaign has an offer`);
  }
  if (!LOG_LEVELS.includes(options.logLevel)) {
    problems.push(`--log-level must be one of ${LOG_LEVELS.join(', ')}, not '${options.logLevel}'`);
  }
  if (problems.length > 0) {
    throw new InvalidOptionsError(problems);
  }
  return options;
}

function splitFlag(text: string): [string, string | undefined] {
  const equals = text.indexOf('=');
  return equals === -1 ? [text, undefined] : [text.slice(0, equals), text.slice(equals + 1)];
}

function parseScenarios(text: string, problems: string[]): ScenarioName[] {
  const names = text.split(',').map((name) => name.trim()).filter((name) => name !== '');
  const unknown = names.filter((name) => !(SCENARIO_NAMES as readonly string[]).includes(name));
  if (names.length === 0 || unknown.length > 0) {
    problems.push(`--scenarios must list one or more of ${SCENARIO_NAMES.join(', ')}, not '${text}'`);
    return [];
  }
  // Runs keep the fixed order, whatever order the list has.
  return SCENARIO_NAMES.filter((name) => names.includes(name));
}

function parseEventOrder(text: string, problems: string[]): EventOrder {
  if (text === 'time' || text === 'customer') {
    return text;
  }
  problems.push(`--event-order must be time or customer, not '${text}'`);
  return 'time';
}

function parseBoolean(text: string, problems: string[]): boolean {
  if (text === 'true' || text === '1') {
    return true;
  }
  if (text === 'false' || text === '0') {
    return false;
  }
  problems.push(`--cpu-profile must be true or false, not '${text}'`);
  return false;
}

function resolveOutput(path: string, projectRoot: string): string {
  return isAbsolute(path) ? path : resolve(projectRoot, path);
}
