import { createTestApp, type TestApp } from '../support/test-app.ts';

describe('HTTP error mapping', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await createTestApp({ withWorker: false });
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('reports the stores in health', async () => {
    const response = await testApp.api().get('/health');

    expect(response.status).toBe(200);
    expect(response.body.status).toBe('ok');
  });

  it('answers malformed JSON with 400', async () => {
    const response = await testApp.api()
      .post('/health')
      .set('content-type', 'application/json')
      .send('{"customerId": ');

    expect(response.status).toBe(400);
    expect(response.body.error).toBe('malformed_json');
  });

  it('answers an unknown route with 404', async () => {
    const response = await testApp.api().get('/v1/no-such-route');

    expect(response.status).toBe(404);
  });
});
