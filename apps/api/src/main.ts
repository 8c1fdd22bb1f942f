import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { createRootLogger } from '#wayline/common';
import { loadConfig } from '#wayline/config';
import { CoreModule, openRuntime, runMain } from '#wayline/runtime';
import { ApiModule } from './api.module.ts';
import { startHttpApp } from './http/start-http-app.ts';

/** Runs the HTTP API alone; start several replicas against one PostgreSQL and one Redis. */
await runMain('wayline-api', async () => {
  const config = loadConfig();
  const logger = createRootLogger(config.logLevel, 'wayline-api');
  const runtime = await openRuntime(config, logger);

  @Module({ imports: [CoreModule.forRoot(runtime), ApiModule] })
  class ApiAppModule {}

  try {
    const url = await startHttpApp(ApiAppModule, runtime);
    logger.info({ url }, `Wayline API is listening on ${url}`);
  } catch (error) {
    await runtime.close();
    throw error;
  }
});
