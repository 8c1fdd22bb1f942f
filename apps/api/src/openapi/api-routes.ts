import type { z } from 'zod';
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
import { nextBestOfferQuerySchema } from '#wayline/decisioning';
import { eventBatchSchema, eventInputSchema } from '#wayline/events';
import { outcomeInputSchema, upliftQuerySchema } from '#wayline/experiments';
import { feedQuerySchema, journeyQuerySchema } from '#wayline/journeys';
import { createJourneySchema, listJourneysQuerySchema, updateJourneySchema } from '#wayline/journey-definitions';
import { feedbackConsistencyQuerySchema, journeyMapQuerySchema, journeyPathsQuerySchema, painPointsQuerySchema } from '#wayline/journey-maps';

/** One documented operation. Paths use OpenAPI's `{param}` syntax. */
export interface RouteDoc {
  method: 'get' | 'post' | 'patch' | 'delete';
  path: string;
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
  { method: 'get', path: '/health', tag: 'operations', summary: 'Report the process status and the stores in use', success: { '200': 'Status' } },
  { method: 'get', path: '/openapi.json', tag: 'operations', summary: 'This OpenAPI document', success: { '200': 'OpenAPI 3.1 document' } },

  {
    method: 'post', path: '/v1/events', tag: 'events', body: [eventInputSchema, eventBatchSchema],
    summary: 'Store one interaction event, or a batch of up to 1,000; repeated idempotency keys are stored once',
    success: { '202': 'Stored durably; scoring follows within a second' },
  },
  {
    method: 'get', path: '/v1/customers/{customerId}/journey', tag: 'journeys', query: journeyQuerySchema,
    summary: "The customer's current scores and timeline with each event's emotion", success: { '200': 'Journey' },
  },
  {
    method: 'get', path: '/v1/feed', tag: 'journeys', query: feedQuerySchema, produces: 'text/event-stream',
    summary: 'Server-Sent Events of scored events (event.scored) and state changes (customer.changed)',
    success: { '200': 'Event stream' },
  },
  {
    method: 'get', path: '/v1/customers/{customerId}/next-best-offer', tag: 'decisions', query: nextBestOfferQuerySchema,
    summary: 'Choose and record the next best offer for a channel; treatment decisions schedule a message',
    success: { '200': 'Decision, or no offer when no campaign is eligible' },
  },
  {
    method: 'post', path: '/v1/outcomes', tag: 'experiments', body: outcomeInputSchema,
    summary: 'Record a click, visit or conversion for a decision, or for a customer in a campaign',
    success: { '201': 'Recorded (or found, for a repeated idempotency key)' },
  },
  {
    method: 'get', path: '/v1/reports/feedback-consistency', tag: 'journeys', query: feedbackConsistencyQuerySchema,
    summary: 'Share of rated feedback that agrees with its text and behaviour, per customer, touchpoint or journey',
    success: { '200': 'Consistency per group' },
  },
  {
    method: 'get', path: '/v1/reports/emotion-sources', tag: 'journeys',
    summary: 'Share of customers whose emotion comes from text, ratings, waits and behaviour',
    success: { '200': 'Shares of customers' },
  },
  {
    method: 'get', path: '/v1/reports/uplift', tag: 'experiments', query: upliftQuerySchema,
    summary: 'Uplift of a campaign against its holdout group, with the 95% interval and p-value',
    success: { '200': 'Uplift report' },
  },

  { method: 'post', path: '/v1/admin/channels', tag: 'catalog', body: createChannelSchema, summary: 'Create a channel', success: { '201': 'Channel' } },
  { method: 'get', path: '/v1/admin/channels', tag: 'catalog', query: listChannelsQuerySchema, summary: 'List channels', success: { '200': 'Channels' } },
  { method: 'get', path: '/v1/admin/channels/{name}', tag: 'catalog', summary: 'Read a channel', success: { '200': 'Channel' } },
  { method: 'patch', path: '/v1/admin/channels/{name}', tag: 'catalog', body: updateChannelSchema, summary: 'Update a channel', success: { '200': 'Channel' } },
  { method: 'delete', path: '/v1/admin/channels/{name}', tag: 'catalog', summary: 'Deactivate a channel', success: { '200': 'Deactivated channel' } },
  { method: 'post', path: '/v1/admin/offers', tag: 'catalog', body: createOfferSchema, summary: 'Create an offer', success: { '201': 'Offer' } },
  { method: 'get', path: '/v1/admin/offers', tag: 'catalog', query: listOffersQuerySchema, summary: 'List offers', success: { '200': 'Offers' } },
  { method: 'get', path: '/v1/admin/offers/{name}', tag: 'catalog', summary: 'Read an offer', success: { '200': 'Offer' } },
  { method: 'patch', path: '/v1/admin/offers/{name}', tag: 'catalog', body: updateOfferSchema, summary: 'Update an offer', success: { '200': 'Offer' } },
  { method: 'delete', path: '/v1/admin/offers/{name}', tag: 'catalog', summary: 'Deactivate an offer', success: { '200': 'Deactivated offer' } },
  { method: 'post', path: '/v1/admin/campaigns', tag: 'catalog', body: createCampaignSchema, summary: 'Create a campaign', success: { '201': 'Campaign' } },
  { method: 'get', path: '/v1/admin/campaigns', tag: 'catalog', query: listCampaignsQuerySchema, summary: 'List campaigns', success: { '200': 'Campaigns' } },
  { method: 'get', path: '/v1/admin/campaigns/{key}', tag: 'catalog', summary: 'Read a campaign', success: { '200': 'Campaign' } },
  { method: 'patch', path: '/v1/admin/campaigns/{key}', tag: 'catalog', body: updateCampaignSchema, summary: 'Update a campaign', success: { '200': 'Campaign' } },
  { method: 'delete', path: '/v1/admin/campaigns/{key}', tag: 'catalog', summary: 'Deactivate a campaign', success: { '200': 'Deactivated campaign' } },

  { method: 'post', path: '/v1/admin/journeys', tag: 'journey-maps', body: createJourneySchema, summary: 'Create a journey definition', success: { '201': 'Journey' } },
  { method: 'get', path: '/v1/admin/journeys', tag: 'journey-maps', query: listJourneysQuerySchema, summary: 'List journey definitions in placement order', success: { '200': 'Journeys' } },
  { method: 'get', path: '/v1/admin/journeys/{key}', tag: 'journey-maps', summary: 'Read a journey definition', success: { '200': 'Journey' } },
  { method: 'patch', path: '/v1/admin/journeys/{key}', tag: 'journey-maps', body: updateJourneySchema, summary: 'Update a journey definition; new stages replace the old ones', success: { '200': 'Journey' } },
  { method: 'delete', path: '/v1/admin/journeys/{key}', tag: 'journey-maps', summary: 'Deactivate a journey definition', success: { '200': 'Deactivated journey' } },
  {
    method: 'get', path: '/v1/journeys/{key}/map', tag: 'journey-maps', query: journeyMapQuerySchema,
    summary: 'Stage by touchpoint cells: volume, customers, valence, negative share, wait percentiles, conversion to a later stage',
    success: { '200': 'Journey map' },
  },
  {
    method: 'get', path: '/v1/journeys/{key}/pain-points', tag: 'journey-maps', query: painPointsQuerySchema,
    summary: 'Touchpoints ranked by the conversion and churn gap between bad and good experiences, with 95% intervals',
    success: { '200': 'Ranked touchpoints and those with too little data' },
  },
  {
    method: 'get', path: '/v1/journeys/{key}/paths', tag: 'journey-maps', query: journeyPathsQuerySchema,
    summary: 'Most common stage sequences with conversion, and a map per branch where paths fork',
    success: { '200': 'Paths and forks' },
  },
];
