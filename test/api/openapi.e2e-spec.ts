import { declaredHandlers } from '../support/controller-handlers.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';

/** Routes the controllers declare, as `METHOD /path/{param}`. */
function declaredRoutes(): string[] {
  return declaredHandlers().map((declared) => declared.route).sort();
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
