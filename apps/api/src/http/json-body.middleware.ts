import type { NextFunction, Request, Response } from 'express';

/**
 * Rejects a request body that is not JSON with 415. The JSON body parser skips other
 * content types, so without this check the route would run as if no body had been sent,
 * and a route whose fields are all optional would accept the request.
 */
export function rejectNonJsonBody(request: Request, response: Response, next: NextFunction): void {
  const hasBody = request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0;
  if (hasBody && request.is('application/json') === false) {
    response.status(415).json({
      error: 'unsupported_media_type',
      message: `Request body has the content type '${request.headers['content-type'] ?? '(none)'}', which is not supported. Send JSON with the header content-type: application/json`,
    });
    return;
  }
  next();
}
