import request from 'supertest';
import type { TestApp, TestAppOptions } from '../support/test-app.ts';

/** What the fixtures need of a test app: its agent with the admin key. */
type ApiClient = Pick<TestApp, 'api'>;

type Body = Record<string, unknown>;

/** Options for the catalog suites: the API without the worker. */
export const catalogTestAppOptions: TestAppOptions = { withWorker: false };

/** Webhook URLs point at a closed port on 127.0.0.1; catalog tests never call them. */
export function channelBody(overrides: Body = {}): Body {
  return { name: 'email', webhookUrl: 'http://127.0.0.1:9/hooks/email', ...overrides };
}

export function offerBody(overrides: Body = {}): Body {
  return {
    name: 'welcome-email',
    channel: 'email',
    content: { subject: 'Welcome', body: 'Hello and welcome', url: 'https://example.com/welcome' },
    value: 12.5,
    ...overrides,
  };
}

export function campaignBody(overrides: Body = {}): Body {
  return { key: 'welcome', name: 'Welcome series', offers: ['welcome-email'], holdoutShare: 0.1, ...overrides };
}

async function post(testApp: ApiClient, path: string, body: Body): Promise<Body> {
  const response = await testApp.api().post(path).send(body);
  if (response.status !== 201) {
    throw new Error(`POST ${path} returned ${response.status}: ${JSON.stringify(response.body)}`);
  }
  return response.body as Body;
}

export function createChannel(testApp: ApiClient, overrides: Body = {}): Promise<Body> {
  return post(testApp, '/v1/admin/channels', channelBody(overrides));
}

export function createOffer(testApp: ApiClient, overrides: Body = {}): Promise<Body> {
  return post(testApp, '/v1/admin/offers', offerBody(overrides));
}

export function createCampaign(testApp: ApiClient, overrides: Body = {}): Promise<Body> {
  return post(testApp, '/v1/admin/campaigns', campaignBody(overrides));
}

/** Checks a 400 that lists `path` among its problems with a message matching `message`. */
export function expectProblem(response: request.Response, path: string, message: RegExp): void {
  expect(response.status).toBe(400);
  expect(response.body.error).toBe('validation_failed');
  const problem = (response.body.problems as Array<{ path: string; message: string }>).find(
    (candidate) => candidate.path === path,
  );
  expect(problem).toBeDefined();
  expect(problem!.message).toMatch(message);
}
