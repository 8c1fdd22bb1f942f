// Calls to the Wayline API of the same origin with the stored API key. Each function
// returns the parsed JSON body or throws an Error that carries the API's message.
import { authorizationHeaders } from './api-key.js';

/** Thrown when the API rejects the key (401), so the page can ask for another one. */
export class UnauthorizedError extends Error {}

/**
 * GETs a JSON resource. Query values that are undefined or empty are left out.
 * @param {string} path
 * @param {Record<string, string | number | undefined>} [query]
 */
export async function getJson(path, query = {}) {
  const url = new URL(path, window.location.origin);
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') {
      url.searchParams.set(name, String(value));
    }
  }
  const response = await fetch(url, { headers: { accept: 'application/json', ...authorizationHeaders() } });
  const body = await response.json().catch(() => undefined);
  if (!response.ok) {
    const message = typeof body?.message === 'string' ? body.message : response.statusText;
    const failure = `GET ${url.pathname} failed with ${response.status}: ${message}`;
    throw response.status === 401 ? new UnauthorizedError(failure) : new Error(failure);
  }
  return body;
}

/** Lists every campaign, active or not. */
export async function listCampaigns() {
  const body = await getJson('/v1/admin/campaigns');
  return body.campaigns;
}

/** Lists the journey definitions in placement order. */
export async function listJourneys() {
  const body = await getJson('/v1/admin/journeys');
  return body.journeys;
}

/** Reads the uplift report of one campaign on one metric. */
export function getUpliftReport(campaign, metric) {
  return getJson('/v1/reports/uplift', { campaign, metric });
}

/** Builds the path of a journey's resource. Keys are slugs, and encoding keeps any other character from changing the path. */
function journeyPath(key, resource) {
  return `/v1/journeys/${encodeURIComponent(key)}/${resource}`;
}

export function getJourneyMap(key) {
  return getJson(journeyPath(key, 'map'));
}

export function getPainPoints(key, minCustomers) {
  return getJson(journeyPath(key, 'pain-points'), { minCustomers });
}

export function getPaths(key) {
  return getJson(journeyPath(key, 'paths'));
}

/** Reads the uplift of one campaign per offer, segment, stage or emotion at decision time. */
export function getUpliftBreakdown(campaign, metric, by) {
  return getJson('/v1/reports/uplift', { campaign, metric, by });
}

/** Reads the cumulative uplift of one campaign per UTC day, with the always-valid interval. */
export function getCumulativeUplift(campaign, metric) {
  return getJson('/v1/reports/uplift/cumulative', { campaign, metric });
}
