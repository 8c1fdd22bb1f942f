import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Injectable } from '@nestjs/common';

/** Outcome of {@link HttpDrain.drain}. */
export interface DrainResult {
  /** Requests still running at the deadline, whose connections were closed. */
  abandonedRequests: number;
}

/**
 * Tracks the HTTP requests in flight so a shutdown can wait for them. Once draining, every
 * response carries `Connection: close`, so clients on keep-alive connections reconnect
 * elsewhere instead of sending more requests to this process.
 */
@Injectable()
export class HttpDrain {
  private readonly inFlight = new Set<ServerResponse>();
  private draining = false;
  private onIdle: (() => void) | undefined;
  private readonly drains: Promise<DrainResult>[] = [];

  /** Express middleware that counts a request until its response is finished or its connection closes. */
  readonly middleware = (_request: IncomingMessage, response: ServerResponse, next: () => void): void => {
    this.inFlight.add(response);
    response.once('close', () => {
      this.inFlight.delete(response);
      if (this.inFlight.size === 0) {
        this.onIdle?.();
      }
    });
    if (this.draining) {
      response.setHeader('connection', 'close');
    }
    next();
  };

  get requestsInFlight(): number {
    return this.inFlight.size;
  }

  /**
   * Stops `server` accepting connections, closes its idle keep-alive connections, and waits
   * until every request in flight has finished or `deadline` (epoch milliseconds) has
   * passed. At the deadline it closes the remaining connections.
   */
  drain(server: Server, deadline: number): Promise<DrainResult> {
    const drained = this.drainServer(server, deadline);
    this.drains.push(drained);
    return drained;
  }

  /**
   * Waits for every {@link drain} started so far. The stores close after it, so they stay
   * open until the last request has finished or was cut off at the deadline, whatever
   * order Nest closes its HTTP server in.
   */
  async settled(): Promise<void> {
    await Promise.allSettled(this.drains);
  }

  private async drainServer(server: Server, deadline: number): Promise<DrainResult> {
    this.draining = true;
    // server.close() stops accepting; its callback runs only once every connection has
    // ended, which the wait below handles with a deadline.
    server.close(() => undefined);
    server.closeIdleConnections();
    for (const response of this.inFlight) {
      if (!response.headersSent) {
        response.setHeader('connection', 'close');
      }
    }
    if (this.inFlight.size > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
        this.onIdle = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.onIdle = undefined;
    }
    const abandonedRequests = this.inFlight.size;
    server.closeAllConnections();
    return { abandonedRequests };
  }
}
