import { createRootLogger } from '#wayline/common';

/**
 * Runs a process entry point. A failure to start (bad configuration, database or Redis
 * unreachable, data folder in use) is logged as one JSON line and exits with status 1,
 * instead of an unhandled rejection with a raw stack trace.
 */
export async function runMain(name: string, main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    const logger = createRootLogger('info', name);
    logger.fatal({ err: error }, `Failed to start: ${(error as Error).message}`);
    process.exitCode = 1;
    // Give pino a moment to flush, then stop timers and sockets that kept the process alive.
    setTimeout(() => process.exit(1), 100).unref();
  }
}
