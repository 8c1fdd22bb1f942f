import { HttpException, HttpStatus, Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { ROOT_LOGGER } from '#wayline/common';
import { APP_CONFIG, type AppConfig } from '#wayline/config';
import { LIVE_STORE, type LiveStore } from '#wayline/live-store';
import { NOT_RATE_LIMITED_METADATA, PUBLIC_METADATA } from '../access.decorators.ts';
import { currentPrincipal } from '../request-context.ts';
import { RateLimiter, type RateLimitDecision } from './rate-limiter.ts';

/**
 * Global guard that counts each request against its API key, or against the client IP
 * address when the request carries no key, and rejects it with 429 once the window's
 * limit is used up. It must run after the authentication guard, which sets the principal.
 *
 * Every counted response carries `RateLimit-Limit`, `RateLimit-Remaining`,
 * `RateLimit-Reset` (seconds) and `RateLimit-Policy` (`<limit>;w=<window seconds>`), in
 * the form of the IETF httpapi draft "RateLimit header fields for HTTP"; a 429 also
 * carries `Retry-After`.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly limiter: RateLimiter;

  constructor(
    @Inject(LIVE_STORE) store: LiveStore,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(ROOT_LOGGER) rootLogger: Logger,
    @Inject(Reflector) private readonly reflector: Reflector,
  ) {
    this.limiter = new RateLimiter(store, config.rateLimits, rootLogger.child({ context: RateLimitGuard.name }));
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http' || this.hasFlag(context, NOT_RATE_LIMITED_METADATA)) {
      return true;
    }
    const request = context.switchToHttp().getRequest<Request>();
    const response = context.switchToHttp().getResponse<Response>();
    const principal = currentPrincipal();
    // A keyless request to a route that needs a key is the authentication guard's to reject,
    // so only keyless requests to public routes are counted per client address.
    if (principal === undefined && !this.isPublic(context)) {
      return true;
    }
    const bucket = this.limiter.bucketFor(principal, request.ip ?? request.socket.remoteAddress ?? 'unknown');
    const decision = await this.limiter.hit(bucket);
    if (decision.limit === 0 || decision.unchecked) {
      return true;
    }

    setRateLimitHeaders(response, decision);
    if (!decision.allowed) {
      response.setHeader('Retry-After', String(decision.resetSeconds));
      const subject = bucket.id.startsWith('key:') ? 'this API key' : 'this client address';
      throw new HttpException(
        {
          error: 'rate_limited',
          message: `Rate limit of ${decision.limit} requests per ${decision.windowSeconds} s exceeded for ${subject}; retry after ${decision.resetSeconds} s`,
        },
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
    return true;
  }

  private isPublic(context: ExecutionContext): boolean {
    return this.hasFlag(context, PUBLIC_METADATA);
  }

  private hasFlag(context: ExecutionContext, metadataKey: string): boolean {
    return this.reflector.getAllAndOverride<boolean | undefined>(metadataKey, [context.getHandler(), context.getClass()]) === true;
  }
}

function setRateLimitHeaders(response: Response, decision: RateLimitDecision): void {
  response.setHeader('RateLimit-Limit', String(decision.limit));
  response.setHeader('RateLimit-Remaining', String(decision.remaining));
  response.setHeader('RateLimit-Reset', String(decision.resetSeconds));
  response.setHeader('RateLimit-Policy', `${decision.limit};w=${decision.windowSeconds}`);
}
