import { createHash } from 'node:crypto';

/**
 * Header of the customer-match CSV. Google Ads Customer Match names its hashed columns
 * `Email` and `Phone`; other ad platforms map columns by name on upload.
 */
export const CUSTOMER_MATCH_HEADER = ['Email', 'Phone'] as const;

/** Returns the SHA-256 digest of the UTF-8 text as lowercase hex. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * Normalises an e-mail address for matching: surrounding white space removed, all
 * lowercase. Returns null when the value is not a string with one `@` between a
 * non-empty local part and a domain that contains a dot.
 */
export function normalizeEmail(value: unknown): string | null {
  if (typeof value !== 'string') {
    return null;
  }
  const email = value.trim().toLowerCase();
  return /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email) ? email : null;
}

/**
 * Normalises a phone number to E.164: `+`, the country code and the subscriber number,
 * digits only. Spaces, dots, dashes and brackets are dropped, and a leading `00` counts
 * as `+`. Returns null for a number without a country code (no `+` or `00`), with other
 * characters, or outside 8 to 15 digits, because a guessed country would match the
 * wrong people.
 */
export function normalizePhone(value: unknown): string | null {
  if (typeof value !== 'string') {
    return null;
  }
  const compact = value.trim().replace(/[\s().-]/g, '');
  const international = compact.startsWith('00') ? `+${compact.slice(2)}` : compact;
  return /^\+[1-9]\d{7,14}$/.test(international) ? international : null;
}

/** Hashed identifiers of one customer; null where the attribute is missing or invalid. */
export interface CustomerMatchRow {
  email: string | null;
  phone: string | null;
}

/** Reads the `email` and `phone` attributes, normalises them and hashes them with SHA-256. */
export function customerMatchRow(attributes: unknown): CustomerMatchRow {
  const record = typeof attributes === 'object' && attributes !== null ? (attributes as Record<string, unknown>) : {};
  const email = normalizeEmail(record.email);
  const phone = normalizePhone(record.phone);
  return { email: email === null ? null : sha256Hex(email), phone: phone === null ? null : sha256Hex(phone) };
}

/**
 * Formats a row as a CSV line, or returns null when it has neither identifier. Hex
 * digests never contain commas or quotes, so no field needs quoting.
 */
export function formatCustomerMatchLine(row: CustomerMatchRow): string | null {
  if (row.email === null && row.phone === null) {
    return null;
  }
  return `${row.email ?? ''},${row.phone ?? ''}\n`;
}
