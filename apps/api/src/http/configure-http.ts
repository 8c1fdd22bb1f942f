import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { runInRequestContext } from '#wayline/access';
import type { AppConfig } from '#wayline/config';

/** HTTP settings shared by every app that serves the API, including tests. */
export function configureHttp(app: INestApplication, config: AppConfig): void {
  const express = app as NestExpressApplication;
  express.useBodyParser('json', { limit: config.http.bodyLimitBytes });
  // After the body parser, whose stream callbacks would lose the context: guards,
  // controllers and services of the request all see it.
  express.use((_request: unknown, _response: unknown, next: () => void) => runInRequestContext(next));
  express.disable('x-powered-by');
  app.enableShutdownHooks();
}
