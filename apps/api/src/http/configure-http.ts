import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AppConfig } from '#wayline/config';

/** HTTP settings shared by every app that serves the API, including tests. */
export function configureHttp(app: INestApplication, config: AppConfig): void {
  const express = app as NestExpressApplication;
  express.useBodyParser('json', { limit: config.http.bodyLimitBytes });
  express.disable('x-powered-by');
  app.enableShutdownHooks();
}
