import type { NextFunction, Request, Response } from 'express';

/**
 * Deepest nesting of objects and arrays a request body may have. The field schemas set
 * tighter limits where they accept free-form JSON: 32 for offer content, 16 for event
 * attributes. This bound sits above them and protects every route, including code that
 * recurses over the body before or after its schema runs.
 */
export const MAX_BODY_JSON_DEPTH = 64;

/**
 * Rejects a parsed JSON body that nests objects or arrays deeper than
 * {@link MAX_BODY_JSON_DEPTH} with 400. It runs after the JSON parser, because V8's
 * `JSON.parse` does not recurse (on Node 20 it parses a million nested arrays). The walk
 * uses an explicit stack, so a body nested thousands deep cannot overflow the call stack
 * here or later in the request.
 */
export function rejectDeepJsonBody(request: Request, response: Response, next: NextFunction): void {
  if (nestsDeeperThan(request.body, MAX_BODY_JSON_DEPTH)) {
    const problem = `nests objects or arrays deeper than ${MAX_BODY_JSON_DEPTH} levels`;
    response.status(400).json({ error: 'validation_failed', message: `Request body ${problem}`, problems: [{ path: 'body', message: problem }] });
    return;
  }
  next();
}

/** Checks whether `root` has more than `maxDepth` levels of objects and arrays; a scalar has 0. */
export function nestsDeeperThan(root: unknown, maxDepth: number): boolean {
  const pending: Array<{ value: unknown; depth: number }> = [{ value: root, depth: 1 }];
  while (pending.length > 0) {
    const { value, depth } = pending.pop()!;
    if (typeof value !== 'object' || value === null) {
      continue;
    }
    if (depth > maxDepth) {
      return true;
    }
    for (const child of Array.isArray(value) ? value : Object.values(value)) {
      if (typeof child === 'object' && child !== null) {
        pending.push({ value: child, depth: depth + 1 });
      }
    }
  }
  return false;
}
