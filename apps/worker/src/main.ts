import 'reflect-metadata';
import type { Server } from 'node:http';
import { Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createRootLogger, NestPinoLogger } from '#wayline/common';
import { loadConfig } from '#wayline/config';
import { CoreModule, handleShutdownSignals, openRuntime, runMain } from '#wayline/runtime';
import { startWorkerMetricsServer } from './metrics-server.ts';
import { WorkerModule } from './worker.module.ts';

/** Runs the worker alone; several replicas share work through row locks and Redis. */
await runMain('wayline-worker', async () => {
  const config = loadConfig();
  const logger = createRootLogger(config.logLevel, 'wayline-worker');
  const runtime = await openRuntime(config, logger);

  @Module({ imports: [CoreModule.forRoot(runtime), WorkerModule] })
  class WorkerAppModule {}

  let app: INestApplicationContext | undefined;
  try {
    app = await NestFactory.createApplicationContext(WorkerAppModule, { logger: new NestPinoLogger(logger) });
    const servers: Server[] = [];
    const metricsPort = config.operations.workerMetricsPort;
    if (metricsPort !== 0) {
      const { server, url } = await startWorkerMetricsServer(app, config.http.host, metricsPort, logger);
      servers.push(server);
      logger.info({ url }, `Worker metrics and health probes are served on ${url}`);
    }
    handleShutdownSignals({ app, logger, timeoutMs: config.operations.shutdownTimeoutMs, servers });
    logger.info('Wayline worker started');
  } catch (error) {
    // Closing the app stops the jobs it started; the stores close in either case.
    await app?.close();
    await runtime.close();
    throw error;
  }
});
