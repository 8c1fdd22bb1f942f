import { Global, Module, type DynamicModule } from '@nestjs/common';
import { LIVE_STORE, type LiveStore } from './live-store.ts';

/** Provides an opened live store; the entry point that opened it closes it. */
@Global()
@Module({})
export class LiveStoreModule {
  static forRoot(store: LiveStore): DynamicModule {
    return {
      module: LiveStoreModule,
      providers: [{ provide: LIVE_STORE, useValue: store }],
      exports: [LIVE_STORE],
    };
  }
}
