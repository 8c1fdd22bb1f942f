import { RequestMethod } from '@nestjs/common';
import { ApiModule } from '../../apps/api/src/api.module.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';

/** Routes the controllers declare, as `METHOD /path/{param}`. */
function declaredRoutes(): string[] {
  const controllers = (Reflect.getMetadata('controllers', ApiModule) ?? []) as Array<new (...args: never[]) => unknown>;
  const routes: string[] = [];
  for (const controller of controllers) {
    const base = String(Reflect.getMetadata('path', controller) ?? '');
    for (const name of Object.getOwnPropertyNames(controller.prototype)) {
      const handler = controller.prototype[name as keyof typeof controller.prototype] as unknown;
      if (typeof handler !== 'function' || name === 'constructor') {
        continue;
      }
      const method = Reflect.getMetadata('method', handler) as RequestMethod | undefined;
      if (method === undefined) {
        continue;
      }
      const sub = String(Reflect.getMetadata('path', handler) ?? '');
      const joined = `/${[base, sub].filter((part) => part !== '' && part !== '/').join('/')}`.replace(/:(\w+)/g, '{$1}');
      routes.push(`${RequestMethod[method]} ${joined}`);
    }
  }
  return routes.sort();
}

describe('GET /openapi.json', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await createTestApp({ withWorker: false });
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('documents every declared route', async () => {
    const response = await testApp.api().get('/openapi.json');

    expect(response.status).toBe(200);
    expect(response.body.openapi).toBe('3.1.0');
    const documented = Object.entries(response.body.paths as Record<string, Record<string, unknown>>)
      .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`))
      .sort();
    expect(documented).toEqual(declaredRoutes());
  });

  it('describes request bodies and query parameters', async () => {
    const { body } = await testApp.api().get('/openapi.json');

    const ingest = body.paths['/v1/events'].post;
    expect(ingest.requestBody.content['application/json'].schema.oneOf).toHaveLength(2);
    const nextBestOffer = body.paths['/v1/customers/{customerId}/next-best-offer'].get;
    expect(nextBestOffer.parameters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'customerId', in: 'path', required: true }),
        expect.objectContaining({ name: 'channel', in: 'query', required: true }),
      ]),
    );
    expect(nextBestOffer.responses['400']).toBeDefined();
  });
});
