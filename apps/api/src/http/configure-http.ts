import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Request, Response } from 'express';
import { currentRequestContext, runInRequestContext } from '#wayline/access';
import type { AppConfig } from '#wayline/config';
import { HttpDrain, WaylineMetrics } from '#wayline/observability';
import { rejectNonJsonBody } from './json-body.middleware.ts';
import { rejectDeepJsonBody } from './json-depth.ts';

/**
 * HTTP settings shared by every app that serves the API, including tests. Shutdown on
 * signals is not set here: the entry points install it (see handleShutdownSignals), and
 * tests close their apps themselves.
 */
export function configureHttp(app: INestApplication, config: AppConfig): void {
  const express = app as NestExpressApplication;
  express.use(app.get(HttpDrain).middleware);
  express.use(httpMetricsMiddleware(app.get(WaylineMetrics)));
  express.use(rejectNonJsonBody);
  express.useBodyParser('json', { limit: config.http.bodyLimitBytes });
  express.use(rejectDeepJsonBody);
  // After the body parser, whose stream callbacks would lose the context: guards,
  // controllers and services of the request all see it.
  express.use((request: Request, response: Response, next: () => void) => {
    runInRequestContext(request.headers['x-request-id'], () => {
      response.setHeader('x-request-id', currentRequestContext()!.requestId);
      next();
    });
  });
  express.disable('x-powered-by');
}

/**
 * Counts every request when its response finishes. The route label is Express's route
 * template (such as `/v1/customers/:customerId/journey`), never the raw path, so customer
 * ids do not become label values.
 */
function httpMetricsMiddleware(metrics: WaylineMetrics) {
  return (request: Request, response: Response, next: () => void): void => {
    const startedAt = performance.now();
    response.once('finish', () => {
      const template = (request.route as { path?: unknown } | undefined)?.path;
      const route = typeof template === 'string' ? request.baseUrl + template : 'unmatched';
      metrics.observeHttpRequest(request.method, route, response.statusCode, (performance.now() - startedAt) / 1000);
    });
    next();
  };
}
