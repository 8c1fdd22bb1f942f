import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '#wayline/config';
import { ApiKeyService } from './api-key.service.ts';

/**
 * Stores WAYLINE_ADMIN_KEY, or generates the first admin key, when an API process starts.
 * A generated key goes to the terminal (standard error), never to the structured log.
 * Listed by the API module only, so the worker and the CLI never create keys on start.
 */
@Injectable()
export class AdminKeyBootstrap implements OnApplicationBootstrap {
  constructor(
    @Inject(ApiKeyService) private readonly keys: ApiKeyService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const result = await this.keys.ensureAdminKey(this.config.access.adminKey);
    if (result.kind === 'generated') {
      process.stderr.write(
        [
          '',
          'Wayline generated its first admin API key. It is shown this once and stored only as a hash:',
          '',
          `  ${result.key.key}`,
          '',
          'Send it as the header "Authorization: Bearer <key>", for example:',
          `  export WAYLINE_KEY=${result.key.key}`,
          `  curl -H "authorization: Bearer $WAYLINE_KEY" http://${this.config.http.host}:${this.config.http.port}/v1/admin/api-keys`,
          'Create keys for the other roles with POST /v1/admin/api-keys.',
          '',
          '',
        ].join('\n'),
      );
    }
  }
}
