import type { NextFunction, Request, Response } from 'express';
import { nestsDeeperThan } from '#wayline/common';

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
