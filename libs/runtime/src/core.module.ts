import { Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { LoggingModule } from '#wayline/common';
import { ConfigModule } from '#wayline/config';
import { DatabaseModule } from '#wayline/database';
import { LiveStoreModule } from '#wayline/live-store';
import { HttpDrain, ObservabilityModule } from '#wayline/observability';
import type { Runtime } from './runtime.ts';

const RUNTIME = Symbol('RUNTIME');

/** Closes the stores after every other provider has shut down and the HTTP requests in flight have finished. */
@Injectable()
class RuntimeCloser implements OnApplicationShutdown {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(HttpDrain) private readonly httpDrain: HttpDrain,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.httpDrain.settled();
    await this.runtime.close();
  }
}

/** Global infrastructure every app needs: config, logger, database, live store, metrics and readiness. */
@Module({})
export class CoreModule {
  static forRoot(runtime: Runtime): DynamicModule {
    return {
      module: CoreModule,
      imports: [
        ConfigModule.forRoot(runtime.config),
        LoggingModule.forRoot(runtime.logger),
        DatabaseModule.forRoot(runtime.database),
        LiveStoreModule.forRoot(runtime.liveStore),
        ObservabilityModule,
      ],
      providers: [{ provide: RUNTIME, useValue: runtime }, RuntimeCloser],
    };
  }
}
