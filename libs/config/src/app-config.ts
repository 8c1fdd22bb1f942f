import { envSchema, type Env } from './env.schema.ts';

/** Typed, nested view of the environment, built once at start. */
export interface AppConfig {
  env: Env['NODE_ENV'];
  http: { host: string; port: number; bodyLimitBytes: number };
  database: { kind: 'postgres'; url: string; poolSize: number; poolWaitMs: number } | { kind: 'pglite'; dataDir: string; poolWaitMs: number };
  liveStore: { kind: 'redis'; url: string; connectTimeoutMs: number } | { kind: 'memory' };
  logLevel: Env['LOG_LEVEL'];
  scoring: {
    intervalMs: number;
    /** Customers one scoring transaction takes at most. */
    customersPerPass: number;
    /** Scoring passes one process runs at once. */
    concurrency: number;
    engagementHalfLifeDays: number;
    emotionHalfLifeDays: number;
    waitThresholdSeconds: number;
  };
  delivery: {
    intervalMs: number;
    maxAttempts: number;
    backoffMs: number;
    timeoutMs: number;
    leaseMs: number;
    graceMs: number;
  };
  models: { trainingCron: string };
  /** Global control group: customers held out of every campaign. */
  experiments: { globalControlShare: number; globalControlSalt: string };
  /** 0 switches send-time optimization off. */
  sendTime: { horizonHours: number };
  platform: { offerMaxAgeSeconds: number };
  /** `adminKey` is the first admin API key from WAYLINE_ADMIN_KEY, when set. */
  access: { adminKey: string | undefined };
  /** Shutdown deadline, and the worker's metrics port (0 is off). */
  operations: { shutdownTimeoutMs: number; workerMetricsPort: number };
  /** Requests per window for each role's keys and for keyless routes per client IP; 0 is no limit. */
  rateLimits: {
    windowSeconds: number;
    perRole: { admin: number; marketer: number; analyst: number; platform: number };
    publicPerIp: number;
    storeTimeoutMs: number;
  };
}

export class InvalidEnvironmentError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid environment: ${problems.join('; ')}`);
    this.name = 'InvalidEnvironmentError';
  }
}

/**
 * Parses the environment once. Every invalid variable is listed in one error,
 * so a misconfigured deployment is fixed in one pass.
 */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    throw new InvalidEnvironmentError(
      parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
    );
  }
  const env = parsed.data;
  return {
    env: env.NODE_ENV,
    http: { host: env.HOST, port: env.PORT, bodyLimitBytes: env.WAYLINE_BODY_LIMIT_BYTES },
    database: env.DATABASE_URL
      ? { kind: 'postgres', url: env.DATABASE_URL, poolSize: env.WAYLINE_DATABASE_POOL_SIZE, poolWaitMs: env.WAYLINE_DATABASE_POOL_WAIT_MS }
      : { kind: 'pglite', dataDir: env.WAYLINE_DATA_DIR, poolWaitMs: env.WAYLINE_DATABASE_POOL_WAIT_MS },
    liveStore: env.REDIS_URL
      ? { kind: 'redis', url: env.REDIS_URL, connectTimeoutMs: env.WAYLINE_REDIS_CONNECT_TIMEOUT_MS }
      : { kind: 'memory' },
    logLevel: env.LOG_LEVEL,
    scoring: {
      intervalMs: env.WAYLINE_SCORING_INTERVAL_MS,
      customersPerPass: env.WAYLINE_SCORING_CUSTOMERS_PER_PASS,
      concurrency: env.WAYLINE_SCORING_CONCURRENCY,
      engagementHalfLifeDays: env.WAYLINE_ENGAGEMENT_HALF_LIFE_DAYS,
      emotionHalfLifeDays: env.WAYLINE_EMOTION_HALF_LIFE_DAYS,
      waitThresholdSeconds: env.WAYLINE_WAIT_THRESHOLD_SECONDS,
    },
    delivery: {
      intervalMs: env.WAYLINE_DELIVERY_INTERVAL_MS,
      maxAttempts: env.WAYLINE_DELIVERY_MAX_ATTEMPTS,
      backoffMs: env.WAYLINE_DELIVERY_BACKOFF_MS,
      timeoutMs: env.WAYLINE_DELIVERY_TIMEOUT_MS,
      leaseMs: env.WAYLINE_DELIVERY_LEASE_MS,
      graceMs: env.WAYLINE_DELIVERY_GRACE_MS,
    },
    models: { trainingCron: env.WAYLINE_MODEL_TRAINING_CRON },
    experiments: { globalControlShare: env.WAYLINE_GLOBAL_CONTROL_SHARE, globalControlSalt: env.WAYLINE_GLOBAL_CONTROL_SALT },
    sendTime: { horizonHours: env.WAYLINE_SEND_TIME_HORIZON_HOURS },
    platform: { offerMaxAgeSeconds: env.WAYLINE_PLATFORM_OFFER_MAX_AGE_SECONDS },
    access: { adminKey: env.WAYLINE_ADMIN_KEY },
    operations: { shutdownTimeoutMs: env.WAYLINE_SHUTDOWN_TIMEOUT_MS, workerMetricsPort: env.WAYLINE_WORKER_METRICS_PORT },
    rateLimits: {
      windowSeconds: env.WAYLINE_RATE_LIMIT_WINDOW_SECONDS,
      perRole: {
        admin: env.WAYLINE_RATE_LIMIT_ADMIN,
        marketer: env.WAYLINE_RATE_LIMIT_MARKETER,
        analyst: env.WAYLINE_RATE_LIMIT_ANALYST,
        platform: env.WAYLINE_RATE_LIMIT_PLATFORM,
      },
      publicPerIp: env.WAYLINE_RATE_LIMIT_PUBLIC,
      storeTimeoutMs: env.WAYLINE_RATE_LIMIT_STORE_TIMEOUT_MS,
    },
  };
}

/** Nest injection token for {@link AppConfig}. */
export const APP_CONFIG = Symbol('APP_CONFIG');
