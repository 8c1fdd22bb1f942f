import { ForbiddenException, Inject, Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { accessRuleOf, ApiKeyVerifier, currentRequestContext, roleIsAdmitted } from '#wayline/access';
import { ROOT_LOGGER } from '#wayline/common';

const BEARER_PATTERN = /^Bearer +(\S+) *$/i;

/**
 * Global authentication and authorization guard. It admits a request to a `@Public()`
 * route, or one whose `Authorization: Bearer <key>` names an active key with a role that
 * the route's `@Roles(...)` lists (admin keys pass everywhere). A route with neither
 * decorator is refused, so a forgotten decorator fails closed. Missing, malformed,
 * unknown and revoked keys get 401 with `WWW-Authenticate`; a key without the role gets
 * 403 naming the roles the route admits. The verified key becomes the request's principal.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly logger: Logger;

  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(ApiKeyVerifier) private readonly verifier: ApiKeyVerifier,
    @Inject(ROOT_LOGGER) rootLogger: Logger,
  ) {
    this.logger = rootLogger.child({ context: ApiKeyGuard.name });
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const rule = accessRuleOf(this.reflector, context.getHandler(), context.getClass());
    if (rule === undefined) {
      this.logger.error({ controller: context.getClass().name, handler: context.getHandler().name }, 'Rejected a request to a route that declares neither @Roles nor @Public');
      throw new ForbiddenException('This route declares no roles, so every request to it is rejected');
    }
    if (rule.public) {
      return true;
    }

    const http = context.switchToHttp();
    const response = http.getResponse<Response>();
    const header = http.getRequest<Request>().headers.authorization;
    if (header === undefined || header.trim() === '') {
      response.setHeader('www-authenticate', 'Bearer realm="wayline"');
      throw new UnauthorizedException('Missing API key: send the header Authorization: Bearer <key>');
    }
    const match = BEARER_PATTERN.exec(header);
    if (match === null) {
      response.setHeader('www-authenticate', 'Bearer realm="wayline", error="invalid_request"');
      throw new UnauthorizedException('Malformed Authorization header: expected "Bearer <key>" with a single key');
    }
    const principal = await this.verifier.verify(match[1]!);
    if (principal === null) {
      response.setHeader('www-authenticate', 'Bearer realm="wayline", error="invalid_token"');
      throw new UnauthorizedException('Invalid or revoked API key; ask an admin for a key (POST /v1/admin/api-keys)');
    }

    const requestContext = currentRequestContext();
    if (requestContext === undefined) {
      // configureHttp installs the context for every request; without it no one could read the principal.
      throw new Error('The request runs outside a request context; call configureHttp on the app');
    }
    requestContext.principal = principal;

    if (!roleIsAdmitted(principal.role, rule.roles)) {
      const admitted = [...new Set(['admin', ...rule.roles])].join(', ');
      throw new ForbiddenException(`This route requires an API key with one of the roles ${admitted}; the key '${principal.keyName}' has the role ${principal.role}`);
    }
    return true;
  }
}
