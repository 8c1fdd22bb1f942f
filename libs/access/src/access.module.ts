import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { API_KEY_AUDIT, type ApiKeyAuditRecorder } from './api-keys/api-key-audit.ts';
import { ApiKeyRepository } from './api-keys/api-key.repository.ts';
import { ApiKeyService } from './api-keys/api-key.service.ts';
import { ApiKeyVerifier } from './api-keys/api-key.verifier.ts';

const PROVIDERS = [ApiKeyRepository, ApiKeyVerifier, ApiKeyService];
const EXPORTS = [ApiKeyVerifier, ApiKeyService];

/**
 * API keys and their verification. Needs the global database, live store and logging
 * modules that `CoreModule` provides. Imported as it is, key changes are only logged.
 */
@Module({ providers: PROVIDERS, exports: EXPORTS })
export class AccessModule {
  /**
   * The same module with key changes also recorded by `recorder`, a provider of
   * `auditModule`, such as the audit log's `AuditLog` of `AuditModule`.
   */
  static withAuditLog(auditModule: Type<unknown>, recorder: Type<ApiKeyAuditRecorder>): DynamicModule {
    return {
      module: AccessModule,
      imports: [auditModule],
      providers: [...PROVIDERS, { provide: API_KEY_AUDIT, useExisting: recorder }],
      exports: EXPORTS,
    };
  }
}
