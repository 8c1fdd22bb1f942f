/**
 * Input that no experiment can produce, such as a negative count or more successes than
 * customers. It means the caller aggregated the data wrongly, so it is thrown rather than
 * reported as a null field.
 */
export class InvalidStatisticsInputError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidStatisticsInputError';
  }
}

/** Throws {@link InvalidStatisticsInputError} unless `value` is a whole number ≥ 0. */
export function assertCount(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new InvalidStatisticsInputError(`${name} must be a whole number ≥ 0, but it is ${value}.`);
  }
}

/** Throws {@link InvalidStatisticsInputError} unless `value` is a finite number. */
export function assertFinite(name: string, value: number): void {
  if (!Number.isFinite(value)) {
    throw new InvalidStatisticsInputError(`${name} must be a finite number, but it is ${value}.`);
  }
}
