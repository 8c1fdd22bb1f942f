import { z } from 'zod';

const optionalUrl = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

/**
 * Every environment variable Wayline reads, with its default. Nothing else in the
 * code base reads `process.env`.
 */
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  /** PostgreSQL connection string. Unset means embedded PGlite in WAYLINE_DATA_DIR. */
  DATABASE_URL: optionalUrl,
  /** Redis connection string. Unset means the in-process live store (single process only). */
  REDIS_URL: optionalUrl,
  WAYLINE_DATA_DIR: z.string().default('./.wayline'),
  /** PostgreSQL connections per process. */
  WAYLINE_DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(500).default(20),
  /** How long a request waits for a free connection before it fails with 503, in milliseconds. */
  WAYLINE_DATABASE_POOL_WAIT_MS: z.coerce.number().int().positive().default(10_000),
  /** How long the first connection to Redis may take before start-up fails, in milliseconds. */
  WAYLINE_REDIS_CONNECT_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Maximum JSON request body, in bytes. */
  WAYLINE_BODY_LIMIT_BYTES: z.coerce.number().int().positive().default(2_000_000),
  /** Half-life of engagement activity, in days. */
  WAYLINE_ENGAGEMENT_HALF_LIFE_DAYS: z.coerce.number().positive().default(14),
  /** Half-life of the customer's emotional state, in days. */
  WAYLINE_EMOTION_HALF_LIFE_DAYS: z.coerce.number().positive().default(7),
  /** Wait time above which waiting counts against the customer's emotion, in seconds. */
  WAYLINE_WAIT_THRESHOLD_SECONDS: z.coerce.number().nonnegative().default(120),
  /** How often the worker looks for unscored events, in milliseconds. */
  WAYLINE_SCORING_INTERVAL_MS: z.coerce.number().int().positive().default(1000),
  /** Customers one scoring transaction takes at most; larger passes mean fewer statements per event. */
  WAYLINE_SCORING_CUSTOMERS_PER_PASS: z.coerce.number().int().min(1).max(5000).default(500),
  /** Scoring passes one worker process runs at once, each in its own transaction. */
  WAYLINE_SCORING_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(2),
  /** How often the worker looks for due outreach messages, in milliseconds. */
  WAYLINE_DELIVERY_INTERVAL_MS: z.coerce.number().int().positive().default(1000),
  /** Attempts before an outreach message is parked as failed. */
  WAYLINE_DELIVERY_MAX_ATTEMPTS: z.coerce.number().int().positive().default(6),
  /** First retry delay; later retries double it, in milliseconds. */
  WAYLINE_DELIVERY_BACKOFF_MS: z.coerce.number().int().positive().default(2000),
  /** Webhook request timeout, in milliseconds. */
  WAYLINE_DELIVERY_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  /** How long a worker owns a claimed message before another worker may claim it again, in milliseconds. */
  WAYLINE_DELIVERY_LEASE_MS: z.coerce.number().int().positive().default(60_000),
  /** How late a message may still go out, in milliseconds after it was due; a message due longer ago is skipped. */
  WAYLINE_DELIVERY_GRACE_MS: z.coerce.number().int().positive().default(60 * 60 * 1000),
  /**
   * How far after the earliest allowed moment a message may be moved to the customer's
   * best hour of the week, in hours; 0 sends at the earliest allowed moment.
   */
  WAYLINE_SEND_TIME_HORIZON_HOURS: z.coerce.number().int().min(0).max(168).default(0),
  /** Cache-Control max-age of the platform offer endpoint, in seconds. */
  WAYLINE_PLATFORM_OFFER_MAX_AGE_SECONDS: z.coerce.number().int().min(0).max(86_400).default(60),
  /** How often the worker retrains propensity models, as a cron expression. */
  WAYLINE_MODEL_TRAINING_CRON: z.string().default('0 */15 * * * *'),
  /** Share of customers held out of every campaign (the global control group), from 0 to 1; 0 turns it off. */
  WAYLINE_GLOBAL_CONTROL_SHARE: z.coerce.number().min(0).max(1).default(0),
  /** Salt of the global control group's hash; changing it draws a new group for customers not yet assigned. */
  WAYLINE_GLOBAL_CONTROL_SALT: z.string().min(1).max(200).default('global-control'),
  /** Length of one rate-limit window, in seconds; each key's count starts again at every window. */
  WAYLINE_RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  /** Requests one admin key may send per window; 0 switches the limit off for the role. */
  WAYLINE_RATE_LIMIT_ADMIN: z.coerce.number().int().min(0).default(1200),
  /** Requests one marketer key may send per window; 0 switches the limit off for the role. */
  WAYLINE_RATE_LIMIT_MARKETER: z.coerce.number().int().min(0).default(1200),
  /** Requests one analyst key may send per window; 0 switches the limit off for the role. */
  WAYLINE_RATE_LIMIT_ANALYST: z.coerce.number().int().min(0).default(1200),
  /**
   * Requests one platform key may send per window, summed over all replicas; 0 switches
   * the limit off for the role. The default is 20,000 a second over a 60 s window, above
   * the highest rate in docs/benchmarks.md (about 11,400 requests a second to one process).
   */
  WAYLINE_RATE_LIMIT_PLATFORM: z.coerce.number().int().min(0).default(1_200_000),
  /** Requests one client IP address may send per window to routes open without a key; 0 switches it off. */
  WAYLINE_RATE_LIMIT_PUBLIC: z.coerce.number().int().min(0).default(600),
  /** How long a request waits for the live store's count before it passes unchecked, in milliseconds. */
  WAYLINE_RATE_LIMIT_STORE_TIMEOUT_MS: z.coerce.number().int().min(1).max(10_000).default(250),
  /**
   * How long a process may take to shut down after SIGTERM or SIGINT, in milliseconds: in-flight
   * requests and running jobs get this long, then the process exits with status 1.
   */
  WAYLINE_SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(25_000),
  /** Port of the worker's metrics and health server on HOST; 0 switches it off. */
  WAYLINE_WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  /**
   * The first admin API key, at least 32 characters. Unset: on first start Wayline
   * generates one and prints it once.
   */
  WAYLINE_ADMIN_KEY: z
    .string()
    .trim()
    .transform((value) => (value === '' ? undefined : value))
    .pipe(z.string().min(32, 'must be at least 32 characters').max(200, 'must be at most 200 characters').optional())
    .optional(),
});

export type Env = z.infer<typeof envSchema>;
