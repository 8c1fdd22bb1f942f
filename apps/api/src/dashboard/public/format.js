// Number formats of the dashboard. Rates and uplifts of the visit and conversion metrics
// are fractions, shown as percentages and percentage points. Spend is in currency units.

const MISSING = '—';

/** @param {number | null | undefined} value */
function isMissing(value) {
  return value === null || value === undefined || !Number.isFinite(value);
}

/** Formats a count with thousands separators. */
export function formatCount(value) {
  return isMissing(value) ? MISSING : Math.round(value).toLocaleString('en-US');
}

/** Formats a fraction as a percentage with one decimal, such as 12.5%. */
export function formatPercent(value) {
  return isMissing(value) ? MISSING : `${(value * 100).toFixed(1)}%`;
}

/**
 * Formats an absolute uplift: percentage points for visit and conversion, currency units
 * per customer for spend.
 * @param {number | null} value
 * @param {string} metric
 */
export function formatUplift(value, metric) {
  if (isMissing(value)) {
    return MISSING;
  }
  return metric === 'spend' ? value.toFixed(2) : `${(value * 100).toFixed(2)} pp`;
}

/** Formats a rate of a metric: a percentage, or spend per customer. */
export function formatRate(value, metric) {
  if (isMissing(value)) {
    return MISSING;
  }
  return metric === 'spend' ? value.toFixed(2) : formatPercent(value);
}

/** Formats a p-value with three decimals, or as < 0.001. */
export function formatPValue(value) {
  if (isMissing(value)) {
    return MISSING;
  }
  return value < 0.001 ? '< 0.001' : value.toFixed(3);
}

/** Formats a number with two decimals, such as a mean valence. */
export function formatDecimal(value) {
  return isMissing(value) ? MISSING : value.toFixed(2);
}

/** Formats a 95% interval of two fractions as percentage points, such as [1.0, 7.5] pp. */
export function formatIntervalPoints(interval) {
  if (interval === null || interval === undefined) {
    return MISSING;
  }
  return `[${(interval[0] * 100).toFixed(1)}, ${(interval[1] * 100).toFixed(1)}] pp`;
}

/** Formats an ISO 8601 time as YYYY-MM-DD HH:MM:SS in UTC. */
export function formatTime(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso) : `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
