import { createTestApp, type TestApp } from '../support/test-app.ts';

const validEvent = (overrides: Record<string, unknown> = {}) => ({
  customerId: 'c-events',
  type: 'page_view',
  touchpoint: 'web_visit',
  channel: 'web',
  occurredAt: '2026-12-01T09:00:00Z',
  ...overrides,
});

/** Builds an array nested `depth` levels deep. */
function nest(depth: number): unknown {
  let value: unknown = [];
  for (let level = 1; level < depth; level++) {
    value = [value];
  }
  return value;
}

describe('POST /v1/events', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await createTestApp({ withWorker: false });
  });

  afterAll(async () => {
    await testApp.close();
  });

  const countEvents = () => testApp.stores.database.prisma.event.count();
  const countCustomers = () => testApp.stores.database.prisma.customer.count();

  it('stores one event and creates the customer', async () => {
    const response = await testApp.api().post('/v1/events').send(validEvent({ customerId: 'c-single' }));

    expect(response.status).toBe(202);
    expect(response.body.accepted).toBe(1);
    const customer = await testApp.stores.database.prisma.customer.findUnique({ where: { id: 'c-single' } });
    expect(customer).not.toBeNull();
  });

  it('stores a repeated idempotency key once', async () => {
    const event = validEvent({ customerId: 'c-idem', idempotencyKey: 'order-1001-paid' });
    const first = await testApp.api().post('/v1/events').send(event);
    const second = await testApp.api().post('/v1/events').send({ events: [event, event] });

    expect(first.body.accepted).toBe(1);
    expect(second.status).toBe(202);
    expect(second.body.accepted).toBe(0);
    expect(second.body.duplicates).toBe(2);
    expect(second.body.events).toHaveLength(2);
    expect(second.body.events[0]).toMatchObject({ id: first.body.events[0].id, duplicate: true });
    expect(second.body.events[1]).toMatchObject({ id: first.body.events[0].id, duplicate: true });
    const stored = await testApp.stores.database.prisma.event.count({ where: { idempotencyKey: 'order-1001-paid' } });
    expect(stored).toBe(1);
  });

  it('scopes idempotency keys to the customer', async () => {
    await testApp.api().post('/v1/events').send(validEvent({ customerId: 'c-scope-a', idempotencyKey: 'order-1' })).expect(202);

    const other = await testApp.api().post('/v1/events').send(validEvent({ customerId: 'c-scope-b', idempotencyKey: 'order-1' }));

    expect(other.body.accepted).toBe(1);
    expect(other.body.events[0]).toMatchObject({ customerId: 'c-scope-b', duplicate: false });
  });

  it('ignores the attributes of a duplicate', async () => {
    const event = validEvent({ customerId: 'c-dup-attr', idempotencyKey: 'visit-1', attributes: { tier: 'silver' } });
    await testApp.api().post('/v1/events').send(event).expect(202);

    await testApp.api().post('/v1/events').send({ ...event, attributes: { tier: 'gold' } }).expect(202);

    const customer = await testApp.stores.database.prisma.customer.findUniqueOrThrow({ where: { id: 'c-dup-attr' } });
    expect(customer.attributes).toEqual({ tier: 'silver' });
  });

  it('returns results in the order sent', async () => {
    await testApp.api().post('/v1/events').send(validEvent({ customerId: 'c-order', idempotencyKey: 'k-2' })).expect(202);

    const response = await testApp.api()
      .post('/v1/events')
      .send({
        events: [
          validEvent({ customerId: 'c-order', idempotencyKey: 'k-1' }),
          validEvent({ customerId: 'c-order', idempotencyKey: 'k-2' }),
          validEvent({ customerId: 'c-order' }),
        ],
      });

    expect(response.body.events.map((result: { idempotencyKey: string | null; duplicate: boolean }) => [result.idempotencyKey, result.duplicate])).toEqual([
      ['k-1', false],
      ['k-2', true],
      [null, false],
    ]);
  });

  it('merges customer attributes', async () => {
    await testApp.api().post('/v1/events').send(validEvent({ customerId: 'c-attr', attributes: { tier: 'gold' } })).expect(202);
    await testApp.api().post('/v1/events').send(validEvent({ customerId: 'c-attr', attributes: { region: 'north' } })).expect(202);

    const customer = await testApp.stores.database.prisma.customer.findUniqueOrThrow({ where: { id: 'c-attr' } });
    expect(customer.attributes).toEqual({ tier: 'gold', region: 'north' });
  });

  const badBodies: Array<[string, unknown, string]> = [
    ['missing customerId', { ...validEvent(), customerId: undefined }, 'body.customerId'],
    ['numeric customerId', validEvent({ customerId: 42 }), 'body.customerId'],
    ['date without zone', validEvent({ occurredAt: '2026-12-01 09:00' }), 'body.occurredAt'],
    ['rating out of range', validEvent({ rating: 9 }), 'body.rating'],
    ['negative wait', validEvent({ waitSeconds: -3 }), 'body.waitSeconds'],
    ['string value', validEvent({ value: '12.50' }), 'body.value'],
    ['unknown field', validEvent({ colour: 'red' }), 'body'],
    ['uppercase type', validEvent({ type: 'PageView' }), 'body.type'],
    ['bad item in a batch', { events: [validEvent(), validEvent({ touchpoint: '' })] }, 'body.events[1].touchpoint'],
    ['empty batch', { events: [] }, 'body.events'],
    ['oversized batch', { events: Array.from({ length: 1001 }, () => validEvent()) }, 'body.events'],
    ['bare array', [validEvent()], 'body'],
    ['NUL in text', validEvent({ text: 'bad\u0000text' }), 'body.text'],
    ['deeply nested properties', validEvent({ properties: { deep: nest(40) } }), 'body.properties'],
    ['a date far in the future', validEvent({ occurredAt: '9999-12-31T23:59:59Z' }), 'body.occurredAt'],
    ['a date before 1970', validEvent({ occurredAt: '0001-01-01T00:00:00Z' }), 'body.occurredAt'],
    ['NUL in a property', validEvent({ properties: { note: 'a\u0000b' } }), 'body.properties'],
  ];

  it('names only the format when a date cannot be read', async () => {
    const response = await testApp.api().post('/v1/events').send(validEvent({ occurredAt: 'yesterday' }));

    expect(response.status).toBe(400);
    expect(response.body.problems).toEqual([
      { path: 'body.occurredAt', message: 'must be an ISO 8601 date-time with a time zone, such as 2026-12-04T09:30:00Z' },
    ]);
  });

  it.each(badBodies)('rejects %s with 400 and writes nothing', async (_case, body, path) => {
    const eventsBefore = await countEvents();
    const customersBefore = await countCustomers();

    const response = await testApp.api().post('/v1/events').send(body as object);

    expect(response.status).toBe(400);
    expect(response.body.problems.map((problem: { path: string }) => problem.path)).toContain(path);
    expect(await countEvents()).toBe(eventsBefore);
    expect(await countCustomers()).toBe(customersBefore);
  });

  it('rejects nesting too deep to serialize with 400', async () => {
    const deep = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
    const body = `{"customerId":"c-deep","type":"page_view","touchpoint":"web_visit","channel":"web","occurredAt":"2026-12-01T09:00:00Z","attributes":{"deep":${deep}}}`;

    const response = await testApp.api().post('/v1/events').set('content-type', 'application/json').send(body);

    // The HTTP layer rejects any body deeper than 64 levels before the event schema runs.
    expect(response.status).toBe(400);
    expect(response.body.problems[0].path).toBe('body');
    expect(await testApp.stores.database.prisma.customer.count({ where: { id: 'c-deep' } })).toBe(0);
  });

  it('rejects attributes nested deeper than the event schema allows with 400', async () => {
    const deep = `${'['.repeat(30)}${']'.repeat(30)}`;
    const body = `{"customerId":"c-deep","type":"page_view","touchpoint":"web_visit","channel":"web","occurredAt":"2026-12-01T09:00:00Z","attributes":{"deep":${deep}}}`;

    const response = await testApp.api().post('/v1/events').set('content-type', 'application/json').send(body);

    expect(response.status).toBe(400);
    expect(response.body.problems[0].path).toBe('body.attributes');
    expect(response.body.problems[0].message).toMatch(/deeper than \d+ levels/);
    expect(await testApp.stores.database.prisma.customer.count({ where: { id: 'c-deep' } })).toBe(0);
  });

  it('rejects malformed JSON with 400', async () => {
    const response = await testApp.api().post('/v1/events').set('content-type', 'application/json').send('{"events": [');

    expect(response.status).toBe(400);
    expect(response.body.error).toBe('malformed_json');
  });

  it('returns 404 for the journey of an unknown customer', async () => {
    const response = await testApp.api().get('/v1/customers/nobody/journey');

    expect(response.status).toBe(404);
    expect(response.body.message).toContain('nobody');
  });

  it('rejects a bad journey limit with 400', async () => {
    await testApp.api().post('/v1/events').send(validEvent({ customerId: 'c-limit' })).expect(202);

    const response = await testApp.api().get('/v1/customers/c-limit/journey?limit=abc');

    expect(response.status).toBe(400);
    expect(response.body.problems[0].path).toBe('query.limit');
  });
});
