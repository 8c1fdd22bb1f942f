import { Injectable } from '@nestjs/common';

/**
 * Whether the process has begun to shut down. Readiness reports 503 from then on, so load
 * balancers stop sending requests, and long-lived streams such as the live feed end.
 */
@Injectable()
export class ShutdownState {
  private beganAt: Date | null = null;
  private readonly listeners = new Set<() => void>();

  get shuttingDown(): boolean {
    return this.beganAt !== null;
  }

  /** Marks the start of the shutdown and notifies every listener once; later calls do nothing. */
  begin(): void {
    if (this.beganAt !== null) {
      return;
    }
    this.beganAt = new Date();
    for (const listener of this.listeners) {
      listener();
    }
    this.listeners.clear();
  }

  /**
   * Calls `listener` when the shutdown begins, or at once if it has begun. Returns a
   * function that removes the listener, for streams that end before the shutdown.
   */
  onShutdown(listener: () => void): () => void {
    if (this.beganAt !== null) {
      listener();
      return () => {};
    }
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }
}
