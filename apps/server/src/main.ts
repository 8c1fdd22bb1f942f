import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { createRootLogger } from '#wayline/common';
import { loadConfig } from '#wayline/config';
import { CoreModule, openRuntime, runMain } from '#wayline/runtime';
import { ApiModule } from '../../api/src/api.module.ts';
import { startHttpApp } from '../../api/src/http/start-http-app.ts';
import { WorkerModule } from '../../worker/src/worker.module.ts';

/**
 * Runs the API and the worker in one process: the embedded default of `npm start`.
 * With PGlite and the in-process live store, this must be the only process.
 */
await runMain('wayline', async () => {
  const config = loadConfig();
  const logger = createRootLogger(config.logLevel, 'wayline');
  const runtime = await openRuntime(config, logger);

  @Module({ imports: [CoreModule.forRoot(runtime), ApiModule, WorkerModule] })
  class ServerModule {}

  try {
    const url = await startHttpApp(ServerModule, runtime);
    logger.info({ url }, `Wayline is listening on ${url}`);
    if (process.stdout.isTTY) {
      console.log(`\nWayline is running at ${url} (API and worker in one process). Press Ctrl+C to stop.\n`);
    }
  } catch (error) {
    await runtime.close();
    throw error;
  }
});
