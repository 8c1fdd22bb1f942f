/** Emotion labels that count as a negative experience (valence -0.25 or lower, see the journeys scoring). */
export const NEGATIVE_EMOTION_LABELS = ['frustrated', 'angry'] as const;

const MS_PER_HOUR = 3_600_000;

/**
 * Returns the end of the cooldown after the customer's latest negative experience, or
 * null when there is none to wait for: no negative event, or a cooldown of 0 or none.
 * The end may lie in the past, which means the cooldown is over.
 */
export function cooldownEnd(lastNegativeAt: Date | null, cooldownHours: number | null): Date | null {
  if (lastNegativeAt === null || cooldownHours === null || cooldownHours <= 0) {
    return null;
  }
  return new Date(lastNegativeAt.getTime() + cooldownHours * MS_PER_HOUR);
}

/** Tells whether `now` is still inside the cooldown that ends at `end`. */
export function isCoolingDown(now: Date, end: Date | null): boolean {
  return end !== null && now.getTime() < end.getTime();
}
