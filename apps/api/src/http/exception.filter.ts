import { randomUUID } from 'node:crypto';
import { ArgumentsHost, Catch, HttpException, Inject, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import type { Logger } from 'pino';
import { ConflictError, DomainError, NotFoundError, ROOT_LOGGER, ValidationError } from '#wayline/common';
import { DatabaseConnectionError } from '#wayline/database';
import { LiveStoreUnavailableError } from '#wayline/live-store';

interface BodyParserError {
  type: string;
  status?: number;
  limit?: number;
}

function isBodyParserError(error: unknown): error is BodyParserError {
  return typeof error === 'object' && error !== null && typeof (error as BodyParserError).type === 'string' && 'status' in error;
}

/**
 * Maps every error to an HTTP response, in this one place. Domain errors become 4xx
 * with the field and the problem. Anything unexpected is a 500 that carries only an
 * error id, and the details go to the log. Request bodies are never logged, because they
 * contain customers' personal data.
 */
@Catch()
export class ExceptionToHttpFilter implements ExceptionFilter {
  private readonly logger: Logger;

  constructor(@Inject(ROOT_LOGGER) rootLogger: Logger) {
    this.logger = rootLogger.child({ context: 'http' });
  }

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const { status, body, retryAfterSeconds } = this.toHttp(exception);
    if (!response.headersSent) {
      if (retryAfterSeconds !== undefined) {
        response.setHeader('retry-after', String(retryAfterSeconds));
      }
      response.status(status).json(body);
    }
  }

  private toHttp(exception: unknown): { status: number; body: Record<string, unknown>; retryAfterSeconds?: number } {
    if (exception instanceof ValidationError) {
      return {
        status: 400,
        body: { error: exception.code, message: exception.message, problems: exception.problems },
      };
    }
    if (exception instanceof NotFoundError) {
      return { status: 404, body: { error: exception.code, message: exception.message } };
    }
    if (exception instanceof ConflictError) {
      return { status: 409, body: { error: exception.code, message: exception.message } };
    }
    if (exception instanceof DomainError) {
      return { status: 400, body: { error: exception.code, message: exception.message } };
    }
    // Nest wraps body-parser errors (malformed JSON, oversized body) in an HttpException.
    const cause = exception instanceof HttpException ? exception.cause : exception;
    if (isBodyParserError(cause)) {
      return this.fromBodyParser(cause);
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      return { status, body: { error: httpErrorCode(status), message: exception.message } };
    }
    if (exception instanceof LiveStoreUnavailableError) {
      this.logger.warn({ err: exception }, 'The live store (Redis) was unreachable; responded with 503');
      return {
        status: 503,
        body: { error: 'live_store_unavailable', message: 'The live store is unavailable; retry the request after a short wait' },
        retryAfterSeconds: 2,
      };
    }
    if (exception instanceof DatabaseConnectionError && exception.saturated) {
      this.logger.warn({ err: exception }, 'Timed out waiting for a free database connection; responded with 503');
      return {
        status: 503,
        body: { error: 'service_busy', message: 'The service is at capacity; retry the request after a short wait' },
        retryAfterSeconds: 1,
      };
    }
    if (exception instanceof DatabaseConnectionError || isDatabaseUnreachable(exception)) {
      this.logger.warn({ err: exception }, 'The database was unreachable; responded with 503');
      return {
        status: 503,
        body: { error: 'database_unavailable', message: 'The database is unavailable; retry the request after a short wait' },
        retryAfterSeconds: 2,
      };
    }
    if (isStoreBusy(exception)) {
      this.logger.warn({ err: exception }, 'The database was saturated or unreachable; responded with 503');
      return {
        status: 503,
        body: { error: 'service_busy', message: 'The service is at capacity; retry the request after a short wait' },
        retryAfterSeconds: 1,
      };
    }
    const errorId = randomUUID();
    this.logger.error({ err: exception, errorId }, 'Request failed with an unexpected error');
    return {
      status: 500,
      body: { error: 'internal_error', message: `Internal error; quote error id ${errorId} when reporting it`, errorId },
    };
  }

  private fromBodyParser(error: BodyParserError): { status: number; body: Record<string, unknown> } {
    switch (error.type) {
      case 'entity.parse.failed':
        return {
          status: 400,
          body: { error: 'malformed_json', message: 'Request body is not valid JSON', problems: [{ path: 'body', message: 'malformed JSON' }] },
        };
      case 'entity.too.large':
        return {
          status: 413,
          body: { error: 'payload_too_large', message: `Request body exceeds the limit of ${error.limit} bytes` },
        };
      case 'encoding.unsupported':
      case 'charset.unsupported':
        return { status: 415, body: { error: 'unsupported_encoding', message: 'Request body encoding is not supported; send UTF-8 JSON' } };
      default:
        return { status: error.status ?? 400, body: { error: 'bad_request', message: 'Request body could not be read' } };
    }
  }
}

function httpErrorCode(status: number): string {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 405) return 'method_not_allowed';
  if (status === 413) return 'payload_too_large';
  if (status === 415) return 'unsupported_media_type';
  if (status === 429) return 'rate_limited';
  return status >= 500 ? 'internal_error' : 'bad_request';
}

/**
 * Prisma codes that mean the database is saturated, not that the request is wrong. P2028
 * and P2024: no transaction or pooled connection in time. P2037: the server rejects more connections.
 */
const STORE_UNAVAILABLE_CODES: ReadonlySet<string> = new Set(['P2028', 'P2024', 'P2037']);

/** Prisma codes for a database that cannot be reached: P1001 unreachable, P1017 connection closed. */
const DATABASE_UNREACHABLE_CODES: ReadonlySet<string> = new Set(['P1001', 'P1017']);

/**
 * Messages of the pg driver for a connection that broke, and of a PostgreSQL server that is
 * restarting. Prisma's pg adapter passes some of them on as plain errors. Bare socket codes
 * such as ECONNREFUSED are left out, because a webhook call fails with them too.
 */
const DATABASE_UNREACHABLE_MESSAGE =
  /Connection terminated|connection error and is not queryable|terminating connection due to administrator command|the database system is (starting up|shutting down|in recovery mode)/i;

/**
 * Kinds of driver adapter error (Prisma 7) for a lost or refused connection. Raw queries
 * report them under the generic code P2010, with the kind in `meta.driverAdapterError`.
 */
const UNREACHABLE_ADAPTER_ERROR_KINDS: ReadonlySet<string> = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout']);

/**
 * PostgreSQL is down, restarting or cut off: a 503 the client may retry. The error or the
 * error it wraps (its `cause`) carries one of the codes, kinds or messages above.
 */
function isDatabaseUnreachable(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth += 1) {
    const { code, meta } = current as { code?: unknown; meta?: { driverAdapterError?: { cause?: { kind?: unknown } } } };
    if (typeof code === 'string' && DATABASE_UNREACHABLE_CODES.has(code)) {
      return true;
    }
    const kind = meta?.driverAdapterError?.cause?.kind;
    if (typeof kind === 'string' && UNREACHABLE_ADAPTER_ERROR_KINDS.has(kind)) {
      return true;
    }
    if (DATABASE_UNREACHABLE_MESSAGE.test(current.message)) {
      return true;
    }
  }
  return false;
}

/**
 * The store is saturated or unreachable: a 503 the client may retry, not a fault of the
 * request. Besides the Prisma codes, the messages of the pg pool's connect timeout and of
 * PostgreSQL's "too many clients" (SQLSTATE 53300) count.
 */
function isStoreBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && STORE_UNAVAILABLE_CODES.has(code)) {
    return true;
  }
  const message = error instanceof Error ? error.message : '';
  return /timeout exceeded when trying to connect|too many (database connections opened|clients already)/i.test(message);
}
