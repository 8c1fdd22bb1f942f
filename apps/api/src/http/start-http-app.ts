import type { Server } from 'node:http';
import type { Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestPinoLogger } from '#wayline/common';
import { handleShutdownSignals, type Runtime } from '#wayline/runtime';
import { configureHttp } from './configure-http.ts';

/**
 * Creates the Nest app for `module`, applies the HTTP settings, starts listening, and
 * installs the graceful shutdown on SIGTERM and SIGINT.
 */
export async function startHttpApp(module: Type<unknown>, runtime: Runtime): Promise<string> {
  const app = await NestFactory.create(module, {
    logger: new NestPinoLogger(runtime.logger),
    bodyParser: false,
  });
  configureHttp(app, runtime.config);
  await app.listen(runtime.config.http.port, runtime.config.http.host);
  handleShutdownSignals({
    app,
    logger: runtime.logger,
    timeoutMs: runtime.config.operations.shutdownTimeoutMs,
    servers: [app.getHttpServer() as Server],
  });
  const url = (await app.getUrl()).replace('[::1]', 'localhost');
  return url;
}
