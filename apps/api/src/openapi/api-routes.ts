import type { z } from 'zod';
import { createApiKeySchema, listApiKeysQuerySchema, rotateApiKeySchema, type Role } from '#wayline/access';
import { auditLogQuerySchema } from '#wayline/audit';
import {
  createCampaignSchema,
  createChannelSchema,
  createOfferSchema,
  listCampaignsQuerySchema,
  listChannelsQuerySchema,
  listOffersQuerySchema,
  updateCampaignSchema,
  updateChannelSchema,
  updateOfferSchema,
} from '#wayline/catalog';
import {
  channelContactPolicyInputSchema,
  campaignPreviewSchema,
  consentInputSchema,
  contactPolicyInputSchema,
  customerTimeZoneInputSchema,
  modelVersionsQuerySchema,
  nextBestOfferQuerySchema,
} from '#wayline/decisioning';
import { listDeadLettersQuerySchema, listMessagesQuerySchema, retryDeadLettersSchema } from '#wayline/delivery';
import { eventBatchSchema, eventInputSchema } from '#wayline/events';
import { cumulativeUpliftQuerySchema, outcomeInputSchema, upliftQuerySchema } from '#wayline/experiments';
import { feedQuerySchema, journeyQuerySchema, scoringStatusQuerySchema } from '#wayline/journeys';
import { createJourneySchema, listJourneysQuerySchema, updateJourneySchema } from '#wayline/journey-definitions';
import { feedbackConsistencyQuerySchema, journeyMapQuerySchema, journeyPathsQuerySchema, painPointsQuerySchema } from '#wayline/journey-maps';
import { audienceQuerySchema } from '#wayline/audiences';
import { platformOfferQuerySchema } from '../platform/platform-offer.service.ts';

/** One documented operation. Paths use OpenAPI's `{param}` syntax. */
export interface RouteDoc {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  /** The roles whose keys may call the route (admin keys may call every route), or 'public' for no key. */
  roles: Role[] | 'public';
  tag: string;
  summary: string;
  query?: z.ZodObject;
  /** One schema, or several alternatives (oneOf). */
  body?: z.ZodType | z.ZodType[];
  /** Status code to description of the success response. */
  success: Record<string, string>;
  /** Content type of the success response; JSON unless stated. */
  produces?: string;
}

/**
 * Every route of the API. The OpenAPI document is built from this list, and a test
 * checks it against the controllers, so a route cannot be added without its entry.
 */
export const API_ROUTES: RouteDoc[] = [
  { method: 'get', path: '/health', roles: 'public', tag: 'operations', summary: 'Report the process status and the stores in use', success: { '200': 'Status' } },
  { method: 'get', path: '/health/live', roles: 'public', tag: 'operations', summary: 'Liveness probe: the process is running; touches no store', success: { '200': 'Status' } },
  {
    method: 'get', path: '/health/ready', roles: 'public', tag: 'operations',
    summary: 'Readiness probe: checks PostgreSQL and the live store; 503 when one fails or the process is shutting down',
    success: { '200': 'Ready, with the status and latency of each check' },
  },
  {
    method: 'get', path: '/metrics', roles: ['analyst'], tag: 'operations', produces: 'text/plain',
    summary: 'Prometheus metrics of this process',
    success: { '200': 'Metrics in the Prometheus text format' },
  },
  { method: 'get', path: '/openapi.json', roles: 'public', tag: 'operations', summary: 'This OpenAPI document', success: { '200': 'OpenAPI 3.1 document' } },
  {
    method: 'get', path: '/dashboard', roles: 'public', tag: 'dashboard', produces: 'text/html',
    summary: 'Analyst dashboard: uplift per campaign, journey map, pain points, top paths and the live feed',
    success: { '200': 'HTML page' },
  },
  {
    method: 'get', path: '/dashboard/assets/{name}', roles: 'public', tag: 'dashboard', produces: 'text/javascript',
    summary: "A script or style sheet of the dashboard, from a fixed allow-list (Chart.js's UMD build among them)",
    success: { '200': 'JavaScript or CSS file' },
  },

  {
    method: 'post', path: '/v1/events', roles: ['platform'], tag: 'events', body: [eventInputSchema, eventBatchSchema],
    summary: 'Store one interaction event, or a batch of up to 1,000; repeated idempotency keys are stored once',
    success: { '202': 'Stored durably; scoring follows within a second' },
  },
  {
    method: 'get', path: '/v1/customers/{customerId}/journey', roles: ['marketer', 'analyst'], tag: 'journeys', query: journeyQuerySchema,
    summary: "The customer's current scores and timeline with each event's emotion", success: { '200': 'Journey' },
  },
  {
    method: 'get', path: '/v1/scoring/status', roles: ['marketer', 'analyst'], tag: 'journeys', query: scoringStatusQuerySchema,
    summary: 'Events not scored yet, when the oldest arrived and its age in seconds; null age when scoring has caught up',
    success: { '200': 'Scoring backlog' },
  },
  {
    method: 'get', path: '/v1/feed', roles: ['marketer', 'analyst'], tag: 'journeys', query: feedQuerySchema, produces: 'text/event-stream',
    summary: 'Server-Sent Events of scored events (event.scored) and state changes (customer.changed)',
    success: { '200': 'Event stream' },
  },
  {
    method: 'get', path: '/v1/customers/{customerId}/next-best-offer', roles: ['platform'], tag: 'decisions', query: nextBestOfferQuerySchema,
    summary: 'Choose and record the next best offer for a channel; treatment decisions schedule a message',
    success: { '200': 'Decision, or no offer when no campaign is eligible or the contact policy blocks every candidate' },
  },
  {
    method: 'get', path: '/v1/decisions/{decisionId}', roles: ['marketer', 'analyst'], tag: 'decisions',
    summary: 'One stored decision as recorded: campaign, arm, offer, score, features, reasons and its outreach message',
    success: { '200': 'Decision' },
  },
  {
    method: 'post', path: '/v1/outcomes', roles: ['platform'], tag: 'experiments', body: outcomeInputSchema,
    summary: 'Record a click, visit or conversion for a decision, or for a customer in a campaign',
    success: { '201': 'Recorded (or found, for a repeated idempotency key)' },
  },
  {
    method: 'get', path: '/v1/reports/feedback-consistency', roles: ['marketer', 'analyst'], tag: 'journeys', query: feedbackConsistencyQuerySchema,
    summary: 'Share of rated feedback that agrees with its text and behaviour, per customer, touchpoint or journey',
    success: { '200': 'Consistency per group' },
  },
  {
    method: 'get', path: '/v1/reports/emotion-sources', roles: ['marketer', 'analyst'], tag: 'journeys',
    summary: 'Share of customers whose emotion comes from text, ratings, waits and behaviour',
    success: { '200': 'Shares of customers' },
  },
  {
    method: 'get', path: '/v1/reports/uplift', roles: ['marketer', 'analyst'], tag: 'experiments', query: upliftQuerySchema,
    summary: 'Uplift of a campaign against its holdout group (or per segment, stage, emotion or offer), with intervals, p-value, sample-ratio check and minimum detectable effect, as JSON or CSV',
    success: { '200': 'Uplift report' },
  },
  {
    method: 'get', path: '/v1/reports/uplift/cumulative', roles: ['marketer', 'analyst'], tag: 'experiments', query: cumulativeUpliftQuerySchema,
    summary: 'Cumulative uplift per UTC day with an always-valid (sequential) 95% interval, as JSON or CSV',
    success: { '200': 'Daily points' },
  },
  {
    method: 'get', path: '/v1/models', roles: ['marketer', 'analyst'], tag: 'models',
    summary: 'Latest propensity and uplift model version per offer, with data window, sample sizes and validation metrics',
    success: { '200': 'Models per offer' },
  },
  {
    method: 'get', path: '/v1/models/{offer}', roles: ['marketer', 'analyst'], tag: 'models', query: modelVersionsQuerySchema,
    summary: 'Model versions of one offer, newest first: AUC, calibration, Qini coefficient and uplift at 30%',
    success: { '200': 'Model versions' },
  },

  {
    method: 'get', path: '/v1/customers/{customerId}/consent', roles: ['platform', 'marketer'], tag: 'contact-policy',
    summary: "The customer's consent per channel and time zone", success: { '200': 'Consent and time zone' },
  },
  {
    method: 'put', path: '/v1/customers/{customerId}/consent', roles: ['platform'], tag: 'contact-policy', body: consentInputSchema,
    summary: 'Set the consent (granted or opted_out) of each listed channel; other channels keep theirs',
    success: { '200': 'Consent and time zone' },
  },
  {
    method: 'put', path: '/v1/customers/{customerId}/time-zone', roles: ['platform'], tag: 'contact-policy', body: customerTimeZoneInputSchema,
    summary: "Set the customer's IANA time zone for quiet hours and daily caps; null uses the policy's default",
    success: { '200': 'Consent and time zone' },
  },
  { method: 'get', path: '/v1/admin/contact-policy', roles: ['marketer', 'analyst'], tag: 'contact-policy', summary: 'Read the contact policy and the channel overrides', success: { '200': 'Contact policy' } },
  {
    method: 'put', path: '/v1/admin/contact-policy', roles: ['marketer'], tag: 'contact-policy', body: contactPolicyInputSchema,
    summary: 'Replace the contact policy: caps over all channels, quiet hours, cooldown, default time zone',
    success: { '200': 'Contact policy' },
  },
  { method: 'get', path: '/v1/admin/contact-policy/channels/{name}', roles: ['marketer', 'analyst'], tag: 'contact-policy', summary: "Read a channel's caps and consent rule", success: { '200': 'Channel contact policy' } },
  {
    method: 'put', path: '/v1/admin/contact-policy/channels/{name}', roles: ['marketer'], tag: 'contact-policy', body: channelContactPolicyInputSchema,
    summary: "Replace a channel's caps per day and week and whether it requires consent", success: { '200': 'Channel contact policy' },
  },
  {
    method: 'delete', path: '/v1/admin/contact-policy/channels/{name}', roles: ['marketer'], tag: 'contact-policy',
    summary: "Remove a channel's own policy: no channel caps, no consent required", success: { '200': 'Channel contact policy' },
  },

  { method: 'post', path: '/v1/admin/channels', roles: ['admin'], tag: 'catalog', body: createChannelSchema, summary: 'Create a channel', success: { '201': 'Channel' } },
  { method: 'get', path: '/v1/admin/channels', roles: ['marketer', 'analyst'], tag: 'catalog', query: listChannelsQuerySchema, summary: 'List channels', success: { '200': 'Channels' } },
  { method: 'get', path: '/v1/admin/channels/{name}', roles: ['marketer', 'analyst'], tag: 'catalog', summary: 'Read a channel', success: { '200': 'Channel' } },
  { method: 'patch', path: '/v1/admin/channels/{name}', roles: ['admin'], tag: 'catalog', body: updateChannelSchema, summary: 'Update a channel', success: { '200': 'Channel' } },
  { method: 'delete', path: '/v1/admin/channels/{name}', roles: ['admin'], tag: 'catalog', summary: 'Deactivate a channel', success: { '200': 'Deactivated channel' } },

  {
    method: 'get', path: '/v1/admin/messages', roles: ['marketer', 'analyst'], tag: 'delivery', query: listMessagesQuerySchema,
    summary: "A customer's outreach messages, newest first, with status, attempts and why a message was cancelled or skipped",
    success: { '200': 'Messages' },
  },
  {
    method: 'get', path: '/v1/admin/messages/{id}', roles: ['marketer', 'analyst'], tag: 'delivery',
    summary: 'One outreach message with its status and the reason for a cancellation or skip', success: { '200': 'Message' },
  },
  {
    method: 'get', path: '/v1/admin/dead-letters', roles: ['marketer', 'analyst'], tag: 'delivery', query: listDeadLettersQuerySchema,
    summary: 'List failed outreach messages, newest first, by channel and campaign', success: { '200': 'A page of dead letters and the next cursor' },
  },
  {
    method: 'post', path: '/v1/admin/dead-letters/retry', roles: ['admin'], tag: 'delivery', body: retryDeadLettersSchema,
    summary: 'Requeue the dead letters matching ids, channel and campaign, or all of them', success: { '200': 'Number and ids requeued' },
  },
  { method: 'post', path: '/v1/admin/dead-letters/{id}/retry', roles: ['admin'], tag: 'delivery', summary: 'Requeue one dead letter with a fresh attempt count', success: { '200': 'Requeued' } },
  { method: 'post', path: '/v1/admin/offers', roles: ['marketer'], tag: 'catalog', body: createOfferSchema, summary: 'Create an offer', success: { '201': 'Offer' } },
  { method: 'get', path: '/v1/admin/offers', roles: ['marketer', 'analyst'], tag: 'catalog', query: listOffersQuerySchema, summary: 'List offers', success: { '200': 'Offers' } },
  { method: 'get', path: '/v1/admin/offers/{name}', roles: ['marketer', 'analyst'], tag: 'catalog', summary: 'Read an offer', success: { '200': 'Offer' } },
  { method: 'patch', path: '/v1/admin/offers/{name}', roles: ['marketer'], tag: 'catalog', body: updateOfferSchema, summary: 'Update an offer', success: { '200': 'Offer' } },
  { method: 'delete', path: '/v1/admin/offers/{name}', roles: ['marketer'], tag: 'catalog', summary: 'Deactivate an offer', success: { '200': 'Deactivated offer' } },
  { method: 'post', path: '/v1/admin/campaigns', roles: ['marketer'], tag: 'catalog', body: createCampaignSchema, summary: 'Create a campaign', success: { '201': 'Campaign' } },
  { method: 'get', path: '/v1/admin/campaigns', roles: ['marketer', 'analyst'], tag: 'catalog', query: listCampaignsQuerySchema, summary: 'List campaigns', success: { '200': 'Campaigns' } },
  { method: 'get', path: '/v1/admin/campaigns/{key}', roles: ['marketer', 'analyst'], tag: 'catalog', summary: 'Read a campaign', success: { '200': 'Campaign' } },
  { method: 'patch', path: '/v1/admin/campaigns/{key}', roles: ['marketer'], tag: 'catalog', body: updateCampaignSchema, summary: 'Update a campaign', success: { '200': 'Campaign' } },
  { method: 'delete', path: '/v1/admin/campaigns/{key}', roles: ['marketer'], tag: 'catalog', summary: 'Deactivate a campaign', success: { '200': 'Deactivated campaign' } },
  {
    method: 'post', path: '/v1/campaigns/{key}/preview', roles: ['marketer', 'analyst'], tag: 'catalog', body: campaignPreviewSchema,
    summary: 'Count and sample the customers that pass the eligibility, applicability and suitability rules now; trace one customer',
    success: { '200': 'Preview' },
  },

  { method: 'post', path: '/v1/admin/journeys', roles: ['marketer'], tag: 'journey-maps', body: createJourneySchema, summary: 'Create a journey definition', success: { '201': 'Journey' } },
  { method: 'get', path: '/v1/admin/journeys', roles: ['marketer', 'analyst'], tag: 'journey-maps', query: listJourneysQuerySchema, summary: 'List journey definitions in placement order', success: { '200': 'Journeys' } },
  { method: 'get', path: '/v1/admin/journeys/{key}', roles: ['marketer', 'analyst'], tag: 'journey-maps', summary: 'Read a journey definition', success: { '200': 'Journey' } },
  { method: 'patch', path: '/v1/admin/journeys/{key}', roles: ['marketer'], tag: 'journey-maps', body: updateJourneySchema, summary: 'Update a journey definition; new stages replace the old ones', success: { '200': 'Journey' } },
  { method: 'delete', path: '/v1/admin/journeys/{key}', roles: ['marketer'], tag: 'journey-maps', summary: 'Deactivate a journey definition', success: { '200': 'Deactivated journey' } },
  {
    method: 'get', path: '/v1/journeys/{key}/map', roles: ['marketer', 'analyst'], tag: 'journey-maps', query: journeyMapQuerySchema,
    summary: 'Stage by touchpoint cells: volume, customers, valence, negative share, wait percentiles, conversion to a later stage',
    success: { '200': 'Journey map' },
  },
  {
    method: 'get', path: '/v1/journeys/{key}/pain-points', roles: ['marketer', 'analyst'], tag: 'journey-maps', query: painPointsQuerySchema,
    summary: 'Touchpoints ranked by the conversion and churn gap between bad and good experiences, with 95% intervals',
    success: { '200': 'Ranked touchpoints and those with too little data' },
  },
  {
    method: 'get', path: '/v1/journeys/{key}/paths', roles: ['marketer', 'analyst'], tag: 'journey-maps', query: journeyPathsQuerySchema,
    summary: 'Most common stage sequences with conversion, and a map per branch where paths fork',
    success: { '200': 'Paths and forks' },
  },
  {
    method: 'get', path: '/v1/admin/customers/{customerId}/export', roles: ['admin'], tag: 'privacy',
    summary: "Everything stored about one customer as JSON: profile, consents, events, decisions with their messages, outcomes and holdout assignments",
    success: { '200': 'Customer data' },
  },
  {
    method: 'delete', path: '/v1/admin/customers/{customerId}', roles: ['admin'], tag: 'privacy',
    summary: "Erase a customer: delete the profile, consents and live-store counters, anonymise events, decisions, messages and outcomes, cancel unsent messages",
    success: { '200': 'Rows deleted and anonymised per table, and live-store keys deleted' },
  },
  { method: 'post', path: '/v1/admin/api-keys', roles: ['admin'], tag: 'access', body: createApiKeySchema, summary: 'Create an API key with a role; the key is in this response only', success: { '201': 'The key, its id, role and prefix' } },
  {
    method: 'get', path: '/v1/admin/api-keys', roles: ['admin'], tag: 'access', query: listApiKeysQuerySchema,
    summary: 'List API keys newest first, without the keys themselves; revoked ones with includeRevoked=true', success: { '200': 'API keys' },
  },
  {
    method: 'post', path: '/v1/admin/api-keys/{id}/rotate', roles: ['admin'], tag: 'access', body: rotateApiKeySchema,
    summary: 'Replace a key with a new one of the same name and role; the old key ends after graceSeconds (default 0)',
    success: { '201': 'The new key, in this response only, and the old key with its end' },
  },
  {
    method: 'get', path: '/v1/admin/audit-log', roles: ['admin'], tag: 'access', query: auditLogQuerySchema,
    summary: 'List changes by admin and marketer keys, the CLI and jobs, newest first: who, what, before and after',
    success: { '200': 'A page of audit entries and the next cursor' },
  },
  { method: 'delete', path: '/v1/admin/api-keys/{id}', roles: ['admin'], tag: 'access', summary: 'Revoke an API key at once; the last active admin key cannot be revoked', success: { '204': 'Revoked' } },
  {
    method: 'get', path: '/v1/platform/customers/{customerId}/offer', roles: ['platform'], tag: 'platform', query: platformOfferQuerySchema,
    summary: "Offer of the customer's latest decision on a channel, for an e-mail platform at send time (cacheable, ETag)",
    success: { '200': 'Offer, or null for the control arm', '304': 'Not modified' },
  },
  {
    method: 'get', path: '/v1/audiences/{campaign}', roles: ['platform'], tag: 'platform', query: audienceQuerySchema,
    summary: 'Treatment audience of a campaign: JSON pages, or format=csv with SHA-256-hashed Email and Phone',
    success: { '200': 'Page of customers, or the CSV' },
  },
];
