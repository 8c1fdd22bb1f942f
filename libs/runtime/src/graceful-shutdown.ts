import type { Server } from 'node:http';
import type { INestApplicationContext } from '@nestjs/common';
import type { Logger } from 'pino';
import { HttpDrain, ShutdownState } from '#wayline/observability';

const SHUTDOWN_SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/** The same signal again within this time counts as the first one, not as a second signal. */
const REPEATED_SIGNAL_WINDOW_MS = 1_000;

export interface GracefulShutdownOptions {
  /** The Nest app; closing it stops the jobs, then the HTTP server, then the stores. */
  app: INestApplicationContext;
  logger: Logger;
  timeoutMs: number;
  /** HTTP servers whose requests in flight may finish: the API, or the worker's metrics server. */
  servers: Server[];
}

/**
 * Replaces Nest's shutdown hooks, which keep accepting connections until the jobs have
 * stopped, wait for open streams without a deadline, and end the process with the signal
 * instead of status 0. On SIGTERM or SIGINT this:
 * 1. marks the process as shutting down, so readiness reports 503 and the live feed ends;
 * 2. stops accepting connections and lets requests in flight finish until the deadline;
 * 3. closes the Nest app at the same time: the jobs stop scheduling and wait for the running
 *    pass, batch or training, then the stores close once the HTTP server has closed.
 * It exits with status 0 when all of that finished within `timeoutMs`, and with status 1
 * otherwise. A second signal during the shutdown exits at once with status 1, unless it
 * repeats the first within REPEATED_SIGNAL_WINDOW_MS; one after the shutdown has finished
 * changes nothing.
 */
export function handleShutdownSignals(options: GracefulShutdownOptions): void {
  const { app, logger, timeoutMs, servers } = options;
  let phase: 'running' | 'shutting-down' | 'finished' = 'running';
  let first: { signal: NodeJS.Signals; at: number } | null = null;

  const onSignal = (signal: NodeJS.Signals): void => {
    if (phase === 'finished') {
      // The exit status is already set; the process ends within a moment.
      return;
    }
    if (phase === 'shutting-down') {
      if (first !== null && signal === first.signal && Date.now() - first.at < REPEATED_SIGNAL_WINDOW_MS) {
        // Ctrl-C under `npm start` delivers SIGINT twice, from the terminal and from npm: one press.
        return;
      }
      logger.warn({ signal }, 'Received a second shutdown signal; exiting without waiting');
      exitAfterFlush(1);
      return;
    }
    phase = 'shutting-down';
    first = { signal, at: Date.now() };
    void shutDown(signal);
  };

  const shutDown = async (signal: NodeJS.Signals): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    const drain = app.get(HttpDrain);
    logger.info({ signal, timeoutMs, requestsInFlight: drain.requestsInFlight }, 'Shutting down: finishing requests and jobs in flight');
    app.get(ShutdownState).begin();
    const timer = setTimeout(() => {
      logger.error({ timeoutMs, requestsInFlight: drain.requestsInFlight }, 'Shutdown did not finish within WAYLINE_SHUTDOWN_TIMEOUT_MS; exiting with status 1');
      exitAfterFlush(1);
    }, timeoutMs);
    try {
      const [drained] = await Promise.all([
        Promise.all(servers.map((server) => drain.drain(server, deadline))),
        app.close(),
      ]);
      const abandonedRequests = drained.reduce((sum, result) => sum + result.abandonedRequests, 0);
      clearTimeout(timer);
      if (abandonedRequests > 0) {
        logger.error({ abandonedRequests, timeoutMs }, 'Closed the connections of requests that were still running at the shutdown deadline');
        exitAfterFlush(1);
        return;
      }
      phase = 'finished';
      logger.info('Shutdown finished');
      exitAfterFlush(0);
    } catch (error) {
      clearTimeout(timer);
      logger.error({ err: error }, 'Shutdown failed; exiting with status 1');
      exitAfterFlush(1);
    }
  };

  for (const signal of SHUTDOWN_SIGNALS) {
    process.on(signal, onSignal);
  }
}

/**
 * Sets the exit status and lets the event loop end on its own. A socket or timer left open
 * by a library would keep the process alive, so a short timer that does not itself keep
 * the process alive exits anyway.
 */
function exitAfterFlush(code: number): void {
  process.exitCode = code;
  setTimeout(() => process.exit(code), 500).unref();
}
