import { createTestApp, type TestApp } from '../support/test-app.ts';

const BODY_LIMIT_BYTES = 4000;

/** `levels` arrays nested in one another, as JSON text. */
function nestedArrays(levels: number): string {
  return '['.repeat(levels) + ']'.repeat(levels);
}

describe('request body limits', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await createTestApp({ withWorker: false, env: { WAYLINE_BODY_LIMIT_BYTES: String(BODY_LIMIT_BYTES) } });
  });

  afterAll(async () => {
    await testApp.close();
  });

  async function channelNames(): Promise<string[]> {
    const response = await testApp.api().get('/v1/admin/channels');
    expect(response.status).toBe(200);
    return (response.body.channels as Array<{ name: string }>).map((channel) => channel.name);
  }

  describe('size', () => {
    it('rejects an oversized body with 413', async () => {
      const body = JSON.stringify({ name: 'oversized', webhookUrl: `http://127.0.0.1:9/${'a'.repeat(BODY_LIMIT_BYTES)}` });

      const response = await testApp.api().post('/v1/admin/channels').set('content-type', 'application/json').send(body);

      expect(response.status).toBe(413);
      expect(response.body.error).toBe('payload_too_large');
      expect(response.body.message).toBe(`Request body exceeds the limit of ${BODY_LIMIT_BYTES} bytes`);
      expect(await channelNames()).not.toContain('oversized');
    });

    it('accepts a body just under the limit', async () => {
      const event = { customerId: 'c-limit', type: 'chat', touchpoint: 'chat', channel: 'web', occurredAt: '2026-12-01T10:00:00Z', text: '' };
      const text = 'a'.repeat(BODY_LIMIT_BYTES - Buffer.byteLength(JSON.stringify(event)) - 10);
      const body = JSON.stringify({ ...event, text });

      const response = await testApp.api().post('/v1/events').set('content-type', 'application/json').send(body);

      expect(Buffer.byteLength(body)).toBeLessThan(BODY_LIMIT_BYTES);
      expect(response.status).toBe(202);
    });
  });

  describe('content type', () => {
    it.each([
      ['text/plain', '{"name":"plain-text","webhookUrl":"http://127.0.0.1:9/hook"}'],
      ['application/x-www-form-urlencoded', 'name=form&webhookUrl=http%3A%2F%2F127.0.0.1%3A9%2Fhook'],
      ['application/xml', '<channel><name>xml</name></channel>'],
    ])('rejects %s with 415', async (contentType, body) => {
      const response = await testApp.api().post('/v1/admin/channels').set('content-type', contentType).send(body);

      expect(response.status).toBe(415);
      expect(response.body.error).toBe('unsupported_media_type');
      expect(response.body.message).toContain('content-type: application/json');
    });

    it('rejects a JSON route without a body with 400', async () => {
      const response = await testApp.api().post('/v1/admin/channels');

      expect(response.status).toBe(400);
      expect(response.body.problems[0].path).toBe('body');
    });

    it('rejects malformed JSON with 400', async () => {
      const response = await testApp.api().post('/v1/admin/channels').set('content-type', 'application/json').send('{"name": "broken",');

      expect(response.status).toBe(400);
      expect(response.body.error).toBe('malformed_json');
    });
  });

  describe('nesting', () => {
    it('rejects a body nested 65 levels with 400', async () => {
      const body = `{"name":"deep","webhookUrl":"http://127.0.0.1:9/hook","extra":${nestedArrays(64)}}`;

      const response = await testApp.api().post('/v1/admin/channels').set('content-type', 'application/json').send(body);

      expect(response.status).toBe(400);
      expect(response.body.message).toBe('Request body nests objects or arrays deeper than 64 levels');
      expect(response.body.problems).toEqual([{ path: 'body', message: 'nests objects or arrays deeper than 64 levels' }]);
    });

    it('passes 64 levels on to the route schema', async () => {
      const body = `{"name":"deep","webhookUrl":"http://127.0.0.1:9/hook","extra":${nestedArrays(63)}}`;

      const response = await testApp.api().post('/v1/admin/channels').set('content-type', 'application/json').send(body);

      // The schema, not the depth check, rejects the unknown field.
      expect(response.status).toBe(400);
      expect(response.body.message).toMatch(/unknown field 'extra'/);
    });

    it('rejects thousands of levels with 400, not 500', async () => {
      const body = nestedArrays(1900);

      const response = await testApp.api().post('/v1/events').set('content-type', 'application/json').send(body);

      expect(response.status).toBe(400);
      expect(response.body.message).toBe('Request body nests objects or arrays deeper than 64 levels');
    });

    it('counts only objects and arrays, not brackets in strings', async () => {
      const response = await testApp.api().post('/v1/admin/channels').send({
        name: 'brackets',
        webhookUrl: `http://127.0.0.1:9/hook?q=${encodeURIComponent('[{'.repeat(100))}`,
      });

      expect(response.status).toBe(201);
    });
  });
});
