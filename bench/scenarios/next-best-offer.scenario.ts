import { performance } from 'node:perf_hooks';
import { cpuMillisecondsPerUnit } from '../cpu-cost.ts';
import { sendEventBatches } from '../event-sender.ts';
import { runClosedLoop, runFixedRate, type FixedRateResult, type LoadRequest, type LoadResult } from '../http-load.ts';
import type { LocalHttpClient } from '../local-http-client.ts';
import type { PhaseUsage } from '../process-sampler.ts';
import { logStep, Progress } from '../progress.ts';
import { waitUntilScored } from '../scoring-wait.ts';
import { customerId, eventBatches } from '../synthetic-events.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../webhook-receiver.ts';
import type { ScenarioContext, ScenarioResultBase } from './scenario-context.ts';

export interface NextBestOfferResult extends ScenarioResultBase {
  customers: number;
  campaigns: number;
  offers: number;
  eventsPerCustomer: number;
  concurrency: number;
  /** Seconds spent creating the catalog and the scored customers. */
  setupSeconds: number;
  /** Closed loop on `GET /v1/customers/{id}/next-best-offer?channel=email`. */
  nextBestOfferPeak: LoadResult;
  /** Closed loop on `GET /health` of the same process, at the same concurrency. */
  healthPeak: LoadResult;
  /** The first WARM_UP_MS at half rate, right after the health run. nextBestOfferAtHalfPeak leaves it out. */
  nextBestOfferHalfPeakWarmUp: FixedRateResult;
  /** Open loop on next-best-offer at half of nextBestOfferPeak's throughput, after its warm-up. */
  nextBestOfferAtHalfPeak: FixedRateResult;
  /** CPU time per request of each closed loop, in milliseconds per process (see cpuMillisecondsPerUnit). */
  cpuMillisecondsPerDecision: Record<string, number>;
  cpuMillisecondsPerHealthRequest: Record<string, number>;
  /** nextBestOfferPeak throughput over healthPeak throughput. */
  throughputRatio: number;
  /** Decisions recorded by the scenario's next-best-offer requests, warm-up and check included. */
  decisionsRecorded: number;
  /** Webhook calls the local receiver got by the end of the scenario. */
  webhookDeliveries: number;
}

const CUSTOMER_PREFIX = 'offer';
const EVENTS_PER_CUSTOMER = 2;
const WARM_UP_MS = 2000;

/**
 * Measures the decision endpoint against the cheapest endpoint of the same process. A
 * closed loop on each at the same concurrency gives their peak rates. An open loop on
 * next-best-offer at half its peak then gives the latency at a load with headroom.
 */
export async function runNextBestOfferScenario(context: ScenarioContext): Promise<NextBestOfferResult> {
  const { options, sampler } = context;
  const maxInFlight = Math.max(64, options.concurrency * 8);
  // The decisions go out with a platform key, as a platform sends them.
  const client = context.createClient({ maxSockets: maxInFlight, apiKey: context.keys.platform });
  // Set-up requests get connections of their own, for the reason in LocalHttpClientOptions.keepAlive.
  const setupClient = context.createClient({ maxSockets: 4, keepAlive: false });
  const receiver = await startWebhookReceiver();
  const usage: PhaseUsage[] = [];
  try {
    const setupStartMs = performance.now();
    await createCatalog(setupClient, receiver, options);
    await createScoredCustomers(context, setupClient);
    const setupSeconds = (performance.now() - setupStartMs) / 1000;
    await checkDecision(setupClient);

    const customers = options.offerCustomers;
    const decisionRequest = (index: number): LoadRequest => ({
      method: 'GET',
      path: `/v1/customers/${customerId(CUSTOMER_PREFIX, index % customers)}/next-best-offer?channel=email`,
    });
    const healthRequest = (): LoadRequest => ({ method: 'GET', path: '/health' });
    const durationMs = options.durationSeconds * 1000;
    const closedLoop = (label: string, nextRequest: (index: number) => LoadRequest, runMs: number) => {
      const progress = new Progress(label);
      return runClosedLoop(client, {
        concurrency: options.concurrency,
        durationMs: runMs,
        maxRequests: options.maxRequests,
        expectedStatus: 200,
        nextRequest,
        onProgress: (fraction) => progress.update(fraction),
      }).then((result) => {
        progress.done(describeRun(result));
        return result;
      });
    };

    const warmUp = await closedLoop('next-best-offer: warm-up', decisionRequest, WARM_UP_MS);
    await closedLoop('health: warm-up', healthRequest, WARM_UP_MS);

    await sampler.beginPhase('next-best-offer: closed loop');
    const nextBestOfferPeak = await closedLoop(`next-best-offer: ${options.concurrency} connections`, decisionRequest, durationMs);
    const decisionUsage = await sampler.endPhase();
    usage.push(decisionUsage);

    await sampler.beginPhase('health: closed loop');
    const healthPeak = await closedLoop(`health: ${options.concurrency} connections`, healthRequest, durationMs);
    const healthUsage = await sampler.endPhase();
    usage.push(healthUsage);

    const halfRate = nextBestOfferPeak.throughputPerSecond / 2;
    // No decision was made during the health run, so the first decisions after it wait for
    // the catalog to load again. A warm-up at the same rate keeps that wait out of the
    // steady-state figures, and the results report it on a row of its own.
    const fixedWarmUp = await runFixedRate(client, {
      ratePerSecond: Math.max(1, halfRate),
      durationMs: WARM_UP_MS,
      maxInFlight,
      maxRequests: options.maxRequests,
      expectedStatus: 200,
      nextRequest: (index) => decisionRequest(index + warmUp.requests + nextBestOfferPeak.requests),
    });
    logStep(`next-best-offer: fixed-rate warm-up: ${describeRun(fixedWarmUp)}`);
    const fixedLabel = `next-best-offer: ${halfRate.toFixed(0)} requests/s`;
    const fixedProgress = new Progress(fixedLabel);
    await sampler.beginPhase('next-best-offer: half of peak rate');
    const nextBestOfferAtHalfPeak = await runFixedRate(client, {
      ratePerSecond: Math.max(1, halfRate),
      durationMs,
      maxInFlight,
      maxRequests: options.maxRequests,
      expectedStatus: 200,
      nextRequest: decisionRequest,
      onProgress: (fraction) => fixedProgress.update(fraction),
    });
    usage.push(await sampler.endPhase());
    fixedProgress.done(describeRun(nextBestOfferAtHalfPeak));

    return {
      customers,
      campaigns: options.offerCampaigns,
      offers: options.offers,
      eventsPerCustomer: EVENTS_PER_CUSTOMER,
      concurrency: options.concurrency,
      setupSeconds,
      nextBestOfferPeak,
      healthPeak,
      nextBestOfferHalfPeakWarmUp: fixedWarmUp,
      nextBestOfferAtHalfPeak,
      cpuMillisecondsPerDecision: cpuMillisecondsPerUnit([decisionUsage], nextBestOfferPeak.requests),
      cpuMillisecondsPerHealthRequest: cpuMillisecondsPerUnit([healthUsage], healthPeak.requests),
      throughputRatio: nextBestOfferPeak.throughputPerSecond / healthPeak.throughputPerSecond,
      // Every successful request records a decision, because the `everyone` campaign matches any customer.
      decisionsRecorded: [warmUp, nextBestOfferPeak, fixedWarmUp, nextBestOfferAtHalfPeak].reduce((sum, run) => sum + run.requests - run.errors, 1),
      webhookDeliveries: receiver.received(),
      usage,
    };
  } finally {
    client.close();
    setupClient.close();
    await receiver.close();
  }
}

/** Eligibility rules of several shapes, as marketers write them, for the benchmark catalog. */
const CAMPAIGN_RULES: unknown[] = [
  { in: [{ var: 'customer.emotion' }, ['frustrated', 'angry']] },
  { '>=': [{ var: 'customer.engagement' }, 1] },
  { '==': [{ var: 'customer.attributes.segment' }, 'gold'] },
  { and: [{ '>=': [{ var: 'customer.eventCount' }, 2] }, { '!=': [{ var: 'customer.stage' }, 'churn-risk'] }] },
  { '<': [{ var: 'customer.daysSinceLastEvent' }, 30] },
];

/**
 * Creates one channel on the local receiver and `--offer-campaigns` campaigns over
 * `--offers` offers, spread evenly. The campaigns cycle through the rules above, with
 * holdout shares from 0.1 to 0.5 and priorities 0 to 4; the last one has no rule, so
 * every decision records one. A decision thus evaluates every rule and ranks the offers
 * of every campaign that passes, as with a large real catalog.
 */
async function createCatalog(client: LocalHttpClient, receiver: WebhookReceiver, options: ScenarioContext['options']): Promise<void> {
  const post = (path: string, body: unknown) => client.requestJson('POST', `/v1/admin/${path}`, body, 201);
  await post('channels', { name: 'email', webhookUrl: receiver.url });
  const offerNames = Array.from({ length: options.offers }, (_, index) => `offer-${index}`);
  for (const [index, name] of offerNames.entries()) {
    await post('offers', { name, channel: 'email', content: { subject: `Offer ${index}` }, value: 5 + (index % 10) * 5 });
  }
  for (let campaign = 0; campaign < options.offerCampaigns; campaign += 1) {
    const last = campaign === options.offerCampaigns - 1;
    await post('campaigns', {
      key: `campaign-${campaign}`,
      name: `Campaign ${campaign}`,
      ...(last ? {} : { rule: CAMPAIGN_RULES[campaign % CAMPAIGN_RULES.length] }),
      offers: offerNames.filter((_, offer) => offer % options.offerCampaigns === campaign),
      holdoutShare: 0.1 * (1 + (campaign % 5)),
      priority: campaign % 5,
    });
  }
  logStep(`next-best-offer: created 1 channel, ${options.offers} offers and ${options.offerCampaigns} campaigns`);
}

async function createScoredCustomers(context: ScenarioContext, client: LocalHttpClient): Promise<void> {
  const { options } = context;
  const timeoutMs = options.timeoutSeconds * 1000;
  const progress = new Progress('next-best-offer: creating customers');
  const send = await sendEventBatches(
    client,
    eventBatches({
      prefix: CUSTOMER_PREFIX,
      customers: options.offerCustomers,
      rounds: EVENTS_PER_CUSTOMER,
      batchSize: options.batchSize,
      order: 'customer',
      endMs: Date.now(),
      seed: 2,
    }),
    { concurrency: 2, totalEvents: options.offerCustomers * EVENTS_PER_CUSTOMER, deadlineMs: performance.now() + timeoutMs, progress },
  );
  if (send.failedBatches > 0 || send.timedOut) {
    throw new Error(`Failed to create the next-best-offer customers: ${send.firstError ?? 'timed out'}`);
  }
  const ids = Array.from({ length: options.offerCustomers }, (_, index) => customerId(CUSTOMER_PREFIX, index));
  const wait = await waitUntilScored(client, ids, { timeoutMs, progress });
  if (wait.drainedAtMs === null) {
    throw new Error(`Scoring of the next-best-offer customers did not finish within ${options.timeoutSeconds} s`);
  }
  progress.done(`${options.offerCustomers} customers with ${EVENTS_PER_CUSTOMER} scored events each`);
}

/** Fails early, with the response body, when a decision picks no campaign, since the latency of an empty decision would mislead. */
async function checkDecision(client: LocalHttpClient): Promise<void> {
  const path = `/v1/customers/${customerId(CUSTOMER_PREFIX, 0)}/next-best-offer?channel=email`;
  const decision = await client.requestJson<{ decisionId: string | null; campaign: { key: string } | null }>('GET', path, undefined, 200);
  if (decision.decisionId === null || decision.campaign === null) {
    throw new Error(`GET ${path} recorded no decision, so the catalog set-up is wrong: ${JSON.stringify(decision).slice(0, 500)}`);
  }
}

function describeRun(result: LoadResult): string {
  return (
    `${result.requests} requests, ${result.throughputPerSecond.toFixed(0)}/s, ` +
    `p50 ${result.latency.p50Ms.toFixed(1)} ms, p99 ${result.latency.p99Ms.toFixed(1)} ms, ${result.errors} errors`
  );
}
