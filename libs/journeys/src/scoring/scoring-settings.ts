/** Tenant-level tuning of the scoring math. */
export interface ScoringSettings {
  /** Half-life in days of the activity behind the engagement score. */
  engagementHalfLifeDays: number;
  /** Half-life in days of the emotional evidence, shorter because moods change faster than habits. */
  emotionHalfLifeDays: number;
  /** Wait in seconds that customers accept. Only the time beyond it lowers the valence. */
  waitThresholdSeconds: number;
}

export const DEFAULT_SCORING_SETTINGS: Readonly<ScoringSettings> = Object.freeze({
  engagementHalfLifeDays: 14,
  emotionHalfLifeDays: 7,
  waitThresholdSeconds: 120,
});

/**
 * Throws a RangeError that names the field and value unless both half-lives are finite and
 * positive and the wait threshold is finite and not negative.
 */
export function assertValidScoringSettings(settings: ScoringSettings): void {
  const halfLives = ['engagementHalfLifeDays', 'emotionHalfLifeDays'] as const;
  for (const field of halfLives) {
    const value = settings[field];
    if (!Number.isFinite(value) || value <= 0) {
      throw new RangeError(`Invalid scoring setting ${field}: ${value}. Use a positive number of days.`);
    }
  }

  const threshold = settings.waitThresholdSeconds;
  if (!Number.isFinite(threshold) || threshold < 0) {
    throw new RangeError(
      `Invalid scoring setting waitThresholdSeconds: ${threshold}. Use a number of seconds of 0 or more.`,
    );
  }
}
