/**
 * CSV export of the uplift reports. Columns keep the order given here, so a spreadsheet or
 * script can rely on their positions. Fields follow RFC 4180: a value with a comma, quote or
 * line break is quoted, quotes doubled. Null is an empty field, booleans are true/false, and
 * numbers are written in full precision (JavaScript's shortest round-trip form). A text value
 * that starts with =, +, -, @ or a tab gets a leading apostrophe, so spreadsheets do not run
 * it as a formula; numbers are never changed.
 */

export type CsvValue = string | number | boolean | null;

/** Formats one table: a header line, then one line per row, each line ended by CRLF. */
export function toCsv(columns: readonly string[], rows: ReadonlyArray<readonly CsvValue[]>): string {
  const lines = [columns.map(escapeField), ...rows.map((row) => row.map(formatValue).map(escapeField))];
  return lines.map((fields) => `${fields.join(',')}\r\n`).join('');
}

function formatValue(value: CsvValue): string {
  if (value === null) {
    return '';
  }
  if (typeof value === 'string' && /^[=+\-@\t]/.test(value)) {
    return `'${value}`;
  }
  return String(value);
}

function escapeField(field: string): string {
  return /[",\r\n]/.test(field) ? `"${field.replaceAll('"', '""')}"` : field;
}
