import { Body, Controller, Delete, Get, Header, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiKeyService, Roles, type ApiKeyView, type IssuedApiKey } from '#wayline/access';

/** Creates, lists, rotates and revokes API keys. Responses with a secret must not be cached. */
@Controller('v1/admin/api-keys')
@Roles('admin')
export class ApiKeysController {
  constructor(@Inject(ApiKeyService) private readonly keys: ApiKeyService) {}

  @Post()
  @Header('cache-control', 'no-store')
  create(@Body() body: unknown): Promise<IssuedApiKey> {
    return this.keys.create(body);
  }

  @Get()
  list(@Query() query: unknown): Promise<{ items: ApiKeyView[] }> {
    return this.keys.list(query);
  }

  @Post(':id/rotate')
  @Header('cache-control', 'no-store')
  rotate(@Param('id') id: string, @Body() body: unknown): Promise<IssuedApiKey & { previous: ApiKeyView }> {
    return this.keys.rotate(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  async revoke(@Param('id') id: string): Promise<void> {
    await this.keys.revoke(id);
  }
}
