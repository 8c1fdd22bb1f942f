import { Inject, Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request, Response } from 'express';
import { PlatformKeyService } from './platform-key.service.ts';

/**
 * Lets a request through only with `Authorization: Bearer <platform key>` naming an
 * active key. Otherwise the request fails with 401 and a `WWW-Authenticate` header, and
 * the handler never runs.
 */
@Injectable()
export class PlatformKeyGuard implements CanActivate {
  constructor(@Inject(PlatformKeyService) private readonly keys: PlatformKeyService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const header = http.getRequest<Request>().headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const key = match === null ? null : await this.keys.verify(match[1]!);
    if (key === null) {
      http.getResponse<Response>().setHeader('www-authenticate', 'Bearer realm="wayline-platform"');
      throw new UnauthorizedException(
        match === null
          ? 'Missing platform key: send the header Authorization: Bearer <key>, with a key from POST /v1/admin/platform-keys'
          : 'Invalid or revoked platform key; create a new one with POST /v1/admin/platform-keys',
      );
    }
    return true;
  }
}
