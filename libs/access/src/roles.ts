/**
 * The roles an API key can hold. Each endpoint declares the roles it admits; `admin`
 * is admitted everywhere.
 *
 * - admin: API keys and settings, and everything the other roles may do
 * - marketer: offers, campaigns, channels, journeys and contact policies
 * - analyst: reports and the dashboard, read-only
 * - platform: ingest events, ask for decisions, fetch audiences
 */
export const ROLES = ['admin', 'marketer', 'analyst', 'platform'] as const;

export type Role = (typeof ROLES)[number];
