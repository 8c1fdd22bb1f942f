import request from 'supertest';
import type { TestApp } from '../support/test-app.ts';

/** What the fixtures need of a test app: its agent with the admin key. */
type ApiClient = Pick<TestApp, 'api'>;
import type { PrismaClient } from '#wayline/database';

type Body = Record<string, unknown>;

/** Channel webhooks point at a closed port on 127.0.0.1; these suites run without the worker, so nothing is sent. */
export async function createChannel(testApp: ApiClient, name = 'email'): Promise<void> {
  await testApp.api().post('/v1/admin/channels').send({ name, webhookUrl: `http://127.0.0.1:9/hooks/${name}` }).expect(201);
}

export async function createOffer(testApp: ApiClient, name: string, value: number, channel = 'email'): Promise<void> {
  await testApp.api().post('/v1/admin/offers').send({ name, channel, content: { subject: name }, value }).expect(201);
}

/** Creates a campaign that treats everyone (no holdout) unless `body` sets `holdoutShare`. */
export async function createCampaign(testApp: ApiClient, body: Body): Promise<Body> {
  const response = await testApp.api()
    .post('/v1/admin/campaigns')
    .send({ name: String(body['key']), holdoutShare: 0, ...body });
  if (response.status !== 201) {
    throw new Error(`POST /v1/admin/campaigns returned ${response.status}: ${JSON.stringify(response.body)}`);
  }
  return response.body as Body;
}

export interface CustomerSeed {
  id: string;
  /** Mean valence, -1 to 1: -0.9 reads as angry, -0.5 as frustrated, 0.6 as satisfied. */
  valence?: number;
  stage?: string | null;
  attributes?: Record<string, unknown>;
  eventCount?: number;
}

/**
 * Stores customers with a given emotional state and stage, as scoring would leave them,
 * so the suites need neither the worker nor the text sentiment model.
 */
export async function seedCustomers(prisma: PrismaClient, customers: CustomerSeed[], now = new Date()): Promise<void> {
  await prisma.customer.createMany({
    data: customers.map((customer) => ({
      id: customer.id,
      attributes: (customer.attributes ?? {}) as object,
      valence: customer.valence ?? 0,
      valenceWeight: customer.valence === undefined ? 0 : 3,
      emotionAt: customer.valence === undefined ? null : now,
      stage: customer.stage ?? null,
      stageAt: customer.stage == null ? null : now,
      eventCount: customer.eventCount ?? 1,
      lastEventAt: now,
    })),
  });
}

/** Stores events directly, for the recent event counts. */
export async function seedEvents(
  prisma: PrismaClient,
  events: Array<{ customerId: string; touchpoint: string; type: string; occurredAt: Date; valence?: number }>,
): Promise<void> {
  await prisma.event.createMany({
    data: events.map((event) => ({
      customerId: event.customerId,
      type: event.type,
      touchpoint: event.touchpoint,
      channel: 'web',
      occurredAt: event.occurredAt,
      valence: event.valence ?? null,
      scoredAt: event.occurredAt,
    })),
  });
}

/**
 * Gives an offer 200 treated decisions with 50 conversions, yesterday, so its score is the
 * posterior mean (source `prior`) instead of a random Thompson draw: 51 / 250 = 0.204
 * treated, 0.02 control, an uplift of 0.184. Offers seeded alike score alike, so the
 * arbitration factors alone decide their order.
 */
export async function seedOfferEvidence(prisma: PrismaClient, offerName: string): Promise<void> {
  const offer = await prisma.offer.findUniqueOrThrow({ where: { name: offerName } });
  await prisma.customer.upsert({ where: { id: 'evidence-seed' }, create: { id: 'evidence-seed' }, update: {} });
  const yesterday = new Date(Date.now() - 86_400_000);
  await prisma.$executeRaw`
    INSERT INTO decisions (customer_id, holdout_group, arm, offer_id, channel, created_at)
    SELECT 'evidence-seed', 'evidence-seed', 'treatment', ${offer.id}::uuid, 'email', ${yesterday}
    FROM generate_series(1, 200)`;
  await prisma.$executeRaw`
    INSERT INTO outcomes (decision_id, customer_id, type, occurred_at)
    SELECT id, customer_id, 'conversion', ${yesterday}
    FROM decisions WHERE offer_id = ${offer.id}::uuid AND customer_id = 'evidence-seed'
    ORDER BY id LIMIT 50`;
}

/** Reads the next best offer for a customer; `extra` adds query parameters. */
export async function nextBestOffer(testApp: ApiClient, customerId: string, extra = '', channel = 'email'): Promise<request.Response> {
  const response = await testApp.api().get(`/v1/customers/${customerId}/next-best-offer?channel=${channel}${extra}`);
  if (response.status !== 200) {
    throw new Error(`next-best-offer returned ${response.status}: ${JSON.stringify(response.body)}`);
  }
  return response;
}

/** Checks a 400 that names `path` among its problems with a message matching `message`. */
export function expectProblem(response: request.Response, path: string, message: RegExp): void {
  expect(response.status).toBe(400);
  const problems = response.body.problems as Array<{ path: string; message: string }>;
  const problem = problems.find((candidate) => candidate.path === path);
  expect(problem).toBeDefined();
  expect(problem!.message).toMatch(message);
}
