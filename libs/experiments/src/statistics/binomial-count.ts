import { assertCount, InvalidStatisticsInputError } from './input-validation.ts';

/** Successes out of n independent trials, such as customers who visited out of customers in an arm. */
export interface BinomialCount {
  successes: number;
  n: number;
}

/** Throws {@link InvalidStatisticsInputError} unless 0 ≤ successes ≤ n and both are whole numbers. */
export function assertBinomialCount(name: string, count: BinomialCount): void {
  assertCount(`${name}.n`, count.n);
  assertCount(`${name}.successes`, count.successes);
  if (count.successes > count.n) {
    throw new InvalidStatisticsInputError(
      `${name}.successes (${count.successes}) must not exceed ${name}.n (${count.n}).`,
    );
  }
}

/** Returns successes / n, or null when n = 0. */
export function proportionOf(count: BinomialCount): number | null {
  return count.n === 0 ? null : count.successes / count.n;
}
