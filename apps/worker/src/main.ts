import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createRootLogger, NestPinoLogger } from '#wayline/common';
import { loadConfig } from '#wayline/config';
import { CoreModule, openRuntime, runMain } from '#wayline/runtime';
import { WorkerModule } from './worker.module.ts';

/** Runs the worker alone; several replicas share work through row locks and Redis. */
await runMain('wayline-worker', async () => {
  const config = loadConfig();
  const logger = createRootLogger(config.logLevel, 'wayline-worker');
  const runtime = await openRuntime(config, logger);

  @Module({ imports: [CoreModule.forRoot(runtime), WorkerModule] })
  class WorkerAppModule {}

  try {
    const app = await NestFactory.createApplicationContext(WorkerAppModule, { logger: new NestPinoLogger(logger) });
    app.enableShutdownHooks();
    logger.info('Wayline worker started');
  } catch (error) {
    await runtime.close();
    throw error;
  }
});
