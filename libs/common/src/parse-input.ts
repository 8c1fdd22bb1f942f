import type { z } from 'zod';
import { ValidationError, type FieldProblem } from './domain-errors.ts';

/** Formats a zod issue path as `events[3].occurredAt`, prefixed with where the value came from. */
export function formatIssuePath(prefix: string, path: ReadonlyArray<PropertyKey>): string {
  let formatted = prefix;
  for (const segment of path) {
    if (typeof segment === 'number') {
      formatted += `[${segment}]`;
    } else {
      formatted += formatted === '' ? String(segment) : `.${String(segment)}`;
    }
  }
  return formatted === '' ? '(root)' : formatted;
}

/**
 * Parses `value` with `schema`, or throws a {@link ValidationError} that names each bad
 * field. `prefix` names where the value came from, such as `body` or `query`.
 */
export function parseInput<Schema extends z.ZodType>(
  schema: Schema,
  value: unknown,
  prefix = '',
): z.output<Schema> {
  if (value === undefined && prefix === 'body') {
    // Express leaves the body undefined when the content type is not JSON.
    throw ValidationError.forField('body', 'is missing; send a JSON body with the header content-type: application/json');
  }
  const result = schema.safeParse(value);
  if (result.success) {
    return result.data;
  }
  const problems: FieldProblem[] = result.error.issues.slice(0, 20).map((issue) => ({
    path: formatIssuePath(prefix, issue.path),
    message: issue.message,
  }));
  throw new ValidationError(problems);
}
