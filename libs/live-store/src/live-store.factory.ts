import type { AppConfig } from '#wayline/config';
import type { LiveStore } from './live-store.ts';
import { MemoryLiveStore } from './memory-live-store.ts';
import { RedisLiveStore } from './redis-live-store.ts';

export async function openLiveStore(
  config: AppConfig['liveStore'],
  prefix?: string,
  onError?: (error: Error) => void,
  onReconnect?: () => void,
): Promise<LiveStore> {
  if (config.kind === 'redis') {
    return RedisLiveStore.connect(config.url, prefix, { connectTimeoutMs: config.connectTimeoutMs, onError, onReconnect });
  }
  return new MemoryLiveStore();
}
