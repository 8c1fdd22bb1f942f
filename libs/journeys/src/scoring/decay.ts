const MILLISECONDS_PER_DAY = 86_400_000;

/**
 * Returns the factor by which a quantity shrinks over `elapsedMilliseconds` under exponential
 * decay: 0.5 after one half-life, 0.25 after two. Zero or negative elapsed time returns 1, so
 * no caller can make a quantity grow by passing times out of order.
 */
export function decayFactor(elapsedMilliseconds: number, halfLifeDays: number): number {
  if (elapsedMilliseconds <= 0) {
    return 1;
  }
  return 2 ** (-elapsedMilliseconds / (halfLifeDays * MILLISECONDS_PER_DAY));
}

/** Throws a RangeError naming `name` unless `value` is a Date with a valid time. */
export function assertValidDate(value: Date, name: string): void {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new RangeError(`Invalid ${name}: ${String(value)}. Pass a Date with a valid time.`);
  }
}
