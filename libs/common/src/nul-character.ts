/**
 * PostgreSQL rejects U+0000 in TEXT and JSONB values, so a NUL character that reached
 * the database would fail the write with a 500. Inputs reject it with this message.
 */
export const NUL_CHARACTER_MESSAGE = 'must not contain the NUL character (U+0000), which PostgreSQL cannot store';

export function containsNulCharacter(text: string): boolean {
  return text.includes('\u0000');
}

/** True when any key or string value inside a JSON-like value contains U+0000. */
export function jsonContainsNulCharacter(value: unknown): boolean {
  if (typeof value === 'string') {
    return containsNulCharacter(value);
  }
  if (Array.isArray(value)) {
    return value.some(jsonContainsNulCharacter);
  }
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).some(([key, item]) => containsNulCharacter(key) || jsonContainsNulCharacter(item));
  }
  return false;
}
