import 'reflect-metadata';
import { Module, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { DestinationStream, Logger } from 'pino';
import request from 'supertest';
import { randomBytes } from 'node:crypto';
import { createRootLogger, NestPinoLogger } from '#wayline/common';
import { Database } from '#wayline/database';
import { openLiveStore } from '#wayline/live-store';
import { CoreModule, type Runtime } from '#wayline/runtime';
import { ApiModule } from '../../apps/api/src/api.module.ts';
import { configureHttp } from '../../apps/api/src/http/configure-http.ts';
import { WorkerModule } from '../../apps/worker/src/worker.module.ts';
import { createTestStores, type TestStores } from './test-stores.ts';

export interface TestApp {
  app: INestApplication;
  /** Base URL of the listening server, for supertest or fetch. */
  url: string;
  stores: TestStores;
  runtime: Runtime;
  /** The admin key the app was started with (WAYLINE_ADMIN_KEY). */
  adminKey: string;
  /** A supertest agent on {@link url} that sends the admin key with every request. */
  api(): ReturnType<typeof request.agent>;
  /** A supertest agent on {@link url} that sends `key` (or no key) with every request. */
  as(key: string | undefined): ReturnType<typeof request.agent>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Also run the worker's jobs in the same process. Default: true. */
  withWorker?: boolean;
  /** Extra environment variables for the config, such as shorter intervals. */
  env?: NodeJS.ProcessEnv;
  /**
   * Stores of another test app, to run a second replica on the same database and live
   * store. The app then leaves them open when it closes.
   */
  shareStoresOf?: TestApp;
  /** Where the app writes its JSON log lines, instead of stdout, such as a stream a test reads. */
  logDestination?: DestinationStream;
}

/**
 * Boots the real API (and by default the worker) on fresh test stores, listening on a
 * free port of 127.0.0.1.
 */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const shared = options.shareStoresOf;
  const stores =
    shared?.stores ??
    (await createTestStores({
      WAYLINE_SCORING_INTERVAL_MS: '100',
      WAYLINE_DELIVERY_INTERVAL_MS: '100',
      WAYLINE_ADMIN_KEY: `wl_admin_${randomBytes(24).toString('base64url')}`,
      ...options.env,
    }));
  const adminKey = shared?.adminKey ?? stores.config.access.adminKey ?? '';
  const logger: Logger = createRootLogger(stores.config.logLevel, 'wayline-test', options.logDestination);
  const runtime: Runtime = {
    config: stores.config,
    logger,
    database: shared === undefined ? stores.database : await Database.open(stores.config.database),
    liveStore: shared === undefined ? stores.liveStore : await openLiveStore(stores.config.liveStore, stores.liveStorePrefix),
    // The test's teardown closes the stores, after the app is closed.
    close: async () => {},
  };

  const imports = [CoreModule.forRoot(runtime), ApiModule];
  if (options.withWorker ?? true) {
    imports.push(WorkerModule);
  }

  @Module({ imports })
  class TestAppModule {}

  const moduleRef = await Test.createTestingModule({ imports: [TestAppModule] })
    .setLogger(new NestPinoLogger(logger))
    .compile();
  const app = moduleRef.createNestApplication({ bodyParser: false });
  configureHttp(app, stores.config);
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');

  const as = (key: string | undefined): ReturnType<typeof request.agent> => {
    const agent = request.agent(url);
    return key === undefined ? agent : agent.set('authorization', `Bearer ${key}`);
  };

  return {
    app,
    url,
    stores,
    runtime,
    adminKey,
    api: () => as(adminKey),
    as,
    close: async () => {
      await app.close();
      if (shared === undefined) {
        await stores.teardown();
      } else {
        await runtime.liveStore.close();
        await runtime.database.close();
      }
    },
  };
}

/** Polls `probe` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
