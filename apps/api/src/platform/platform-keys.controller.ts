import { Body, Controller, Delete, Get, Header, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { PlatformKeyService, type PlatformKeyView } from './platform-key.service.ts';

/** Creates, lists and revokes the API keys of e-mail and ad platforms. */
@Controller('v1/admin/platform-keys')
export class PlatformKeysController {
  constructor(@Inject(PlatformKeyService) private readonly keys: PlatformKeyService) {}

  /** Creates a key. The response carries the key itself, so no cache may keep it. */
  @Post()
  @Header('cache-control', 'no-store')
  create(@Body() body: unknown): Promise<PlatformKeyView & { key: string }> {
    return this.keys.create(body);
  }

  @Get()
  list(): Promise<{ items: PlatformKeyView[] }> {
    return this.keys.list();
  }

  @Delete(':id')
  @HttpCode(204)
  async revoke(@Param('id') id: string): Promise<void> {
    await this.keys.revoke(id);
  }
}
