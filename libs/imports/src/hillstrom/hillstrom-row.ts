import { z } from 'zod';

/** The columns of the MineThatData e-mail experiment file, in the published spelling. */
export const HILLSTROM_COLUMNS = [
  'recency', 'history_segment', 'history', 'mens', 'womens', 'zip_code',
  'newbie', 'channel', 'segment', 'visit', 'conversion', 'spend',
] as const;

const zeroOrOne = z.enum(['0', '1'], { message: 'must be 0 or 1' }).transform((value) => value === '1');
const number = (min: number, max: number) =>
  z.string().trim().regex(/^-?\d+(\.\d+)?$/, 'must be a number').transform(Number).pipe(z.number().min(min).max(max));

export const hillstromRowSchema = z.object({
  recency: number(1, 12),
  history_segment: z.string().min(1, 'must not be empty'),
  history: number(0, 1e7),
  mens: zeroOrOne,
  womens: zeroOrOne,
  zip_code: z.enum(['Urban', 'Surburban', 'Rural'], { message: 'must be Urban, Surburban or Rural' }),
  newbie: zeroOrOne,
  channel: z.enum(['Phone', 'Web', 'Multichannel'], { message: 'must be Phone, Web or Multichannel' }),
  segment: z.enum(['Mens E-Mail', 'Womens E-Mail', 'No E-Mail'], { message: 'must be Mens E-Mail, Womens E-Mail or No E-Mail' }),
  visit: zeroOrOne,
  conversion: zeroOrOne,
  spend: number(0, 1e7),
});

export type HillstromRow = z.output<typeof hillstromRowSchema>;
