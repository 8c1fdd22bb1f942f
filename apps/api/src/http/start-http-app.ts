import type { Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestPinoLogger } from '#wayline/common';
import type { Runtime } from '#wayline/runtime';
import { configureHttp } from './configure-http.ts';

/** Creates the Nest app for `module`, applies the HTTP settings and starts listening. */
export async function startHttpApp(module: Type<unknown>, runtime: Runtime): Promise<string> {
  const app = await NestFactory.create(module, {
    logger: new NestPinoLogger(runtime.logger),
    bodyParser: false,
  });
  configureHttp(app, runtime.config);
  await app.listen(runtime.config.http.port, runtime.config.http.host);
  const url = (await app.getUrl()).replace('[::1]', 'localhost');
  return url;
}
