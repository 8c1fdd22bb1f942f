/** Stored in place of every secret in an audit entry. */
export const REDACTED = '[redacted]';

/**
 * Field names whose values are credentials. Views returned by the services already leave
 * them out (a channel view has `hasSigningSecret`, an API key view no hash), so this is the
 * second line of defence for a caller that passes a raw row.
 */
const SECRET_FIELDS: ReadonlySet<string> = new Set(['signingSecret', 'secret', 'keyHash', 'key', 'password', 'token', 'apiKey']);

/**
 * Returns a JSON-ready copy of `value` with every secret field replaced by
 * {@link REDACTED}, at any depth. Dates become ISO 8601 strings, as `JSON.stringify` writes them.
 *
 * `key` counts as a secret only on API key entities, because a campaign's `key` is its public name.
 */
export function redactSecrets(value: unknown, entityType: string): unknown {
  const secretFields = entityType === 'api-key' ? SECRET_FIELDS : new Set([...SECRET_FIELDS].filter((field) => field !== 'key'));
  return redact(toJson(value), secretFields);
}

function toJson(value: unknown): unknown {
  return value === undefined ? null : JSON.parse(JSON.stringify(value)) as unknown;
}

function redact(value: unknown, secretFields: ReadonlySet<string>): unknown {
  if (Array.isArray(value)) {
    return value.map((item) => redact(item, secretFields));
  }
  if (typeof value !== 'object' || value === null) {
    return value;
  }
  const copy: Record<string, unknown> = {};
  for (const [field, fieldValue] of Object.entries(value)) {
    copy[field] = secretFields.has(field) && fieldValue !== null ? REDACTED : redact(fieldValue, secretFields);
  }
  return copy;
}
