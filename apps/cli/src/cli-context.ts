import 'reflect-metadata';
import { Module, type DynamicModule, type INestApplicationContext, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import pino from 'pino';
import { createRootLogger, NestPinoLogger } from '#wayline/common';
import { loadConfig } from '#wayline/config';
import { CoreModule, openRuntime, type Runtime } from '#wayline/runtime';

/**
 * Opens the stores and a Nest application context with `modules`, runs `work`, and
 * closes everything. Logs go to stderr (warnings and errors only, unless LOG_LEVEL sets
 * another level), so that stdout carries only the command's output.
 */
export async function withCliContext<T>(
  modules: Array<Type<unknown> | DynamicModule>,
  work: (context: INestApplicationContext, runtime: Runtime) => Promise<T>,
): Promise<T> {
  const config = loadConfig({ LOG_LEVEL: 'warn', ...process.env });
  const logger = createRootLogger(config.logLevel, 'wayline-cli', pino.destination(2));
  const runtime = await openRuntime(config, logger, { command: true });

  @Module({ imports: [CoreModule.forRoot(runtime), ...modules] })
  class CliModule {}

  const context = await NestFactory.createApplicationContext(CliModule, { logger: new NestPinoLogger(logger) });
  try {
    return await work(context, runtime);
  } finally {
    await context.close();
    await runtime.close();
  }
}
