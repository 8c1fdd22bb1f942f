import type { TestApp } from '../support/test-app.ts';

/** What the fixtures need of a test app: its agent with the admin key. */
type ApiClient = Pick<TestApp, 'api'>;

type Body = Record<string, unknown>;

export function stageBody(key: string, touchpoints: string[], overrides: Body = {}): Body {
  return { key, name: `Stage ${key}`, touchpoints, ...overrides };
}

export function journeyBody(overrides: Body = {}): Body {
  return {
    key: 'care',
    name: 'Care',
    priority: 10,
    stages: [stageBody('contact', ['care_call', 'care_chat']), stageBody('resolved', ['care_resolution'])],
    ...overrides,
  };
}

export async function createJourney(testApp: ApiClient, overrides: Body = {}): Promise<Body> {
  const response = await testApp.api().post('/v1/admin/journeys').send(journeyBody(overrides));
  if (response.status !== 201) {
    throw new Error(`POST /v1/admin/journeys returned ${response.status}: ${JSON.stringify(response.body)}`);
  }
  return response.body as Body;
}

/** Builds an event with the fields scoring needs; `day` counts days after `base`. */
export function eventBody(customerId: string, base: Date, day: number, overrides: Body = {}): Body {
  return {
    customerId,
    type: 'visit',
    channel: 'web',
    occurredAt: new Date(base.getTime() + day * 86_400_000).toISOString(),
    ...overrides,
  };
}

/** Asserts a 400 response and returns its first problem. */
export function firstProblem(response: { status: number; body: { problems?: Array<{ path: string; message: string }> } }) {
  expect(response.status).toBe(400);
  return response.body.problems![0]!;
}
