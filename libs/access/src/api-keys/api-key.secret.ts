import { createHash, randomBytes } from 'node:crypto';

/** Every generated key starts with this, so a leaked key is easy to spot in logs and secret scanners. */
export const API_KEY_MARKER = 'wl_';

/** Characters of a key kept in `keyPrefix`: the marker and 8 characters of the random part. */
const SHOWN_PREFIX_LENGTH = API_KEY_MARKER.length + 8;

/**
 * Shortest and longest key the verifier looks up. WAYLINE_ADMIN_KEY must have at least 32
 * characters, generated keys have 46, and keys issued as `wpk_` platform keys have 47.
 */
export const MIN_API_KEY_LENGTH = 32;
export const MAX_API_KEY_LENGTH = 256;

/** Generates a new key: 32 random bytes (256 bits) in base64url after the marker. */
export function generateApiKey(): string {
  return `${API_KEY_MARKER}${randomBytes(32).toString('base64url')}`;
}

/**
 * Returns the stored form of a key, its SHA-256 digest as hex. A fast hash suffices because
 * generated keys carry 256 random bits, so a slow password hash would add no protection.
 */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Returns the part of a key that may be shown and stored in clear, so an operator can tell keys apart. */
export function shownPrefixOf(key: string): string {
  return key.slice(0, SHOWN_PREFIX_LENGTH);
}
