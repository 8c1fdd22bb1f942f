import type { LoggerService } from '@nestjs/common';
import { pino, type DestinationStream, type Logger, type LevelWithSilent } from 'pino';

/**
 * Keys whose values never reach a log line. Customer text, contact details and
 * secrets are personal data or credentials.
 */
const REDACTED_PATHS = [
  'text',
  '*.text',
  'email',
  '*.email',
  'phone',
  '*.phone',
  'attributes',
  '*.attributes',
  'authorization',
  '*.authorization',
  'password',
  '*.password',
  'signingSecret',
  '*.signingSecret',
  'webhookUrl',
  '*.webhookUrl',
];

export function createRootLogger(level: LevelWithSilent, name = 'wayline', destination?: DestinationStream): Logger {
  return pino(
    {
    name,
    level,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
    destination,
  );
}

/**
 * Nest contexts whose start-up messages (one line per module and per route) go to debug.
 * At info level they were over a hundred lines on every start, and the first admin key,
 * printed once after them, scrolled out of sight.
 */
const START_UP_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer']);

/** Adapts pino to Nest's LoggerService so framework messages come out as JSON lines too. */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    this.write(context !== undefined && START_UP_CONTEXTS.has(context) ? 'debug' : 'info', message, context);
  }

  error(message: unknown, stackOrContext?: string, context?: string): void {
    const scope = context ?? stackOrContext;
    this.write('error', message, scope);
  }

  warn(message: unknown, context?: string): void {
    this.write('warn', message, context);
  }

  debug(message: unknown, context?: string): void {
    this.write('debug', message, context);
  }

  verbose(message: unknown, context?: string): void {
    this.write('trace', message, context);
  }

  fatal(message: unknown, context?: string): void {
    this.write('fatal', message, context);
  }

  private write(level: 'info' | 'error' | 'warn' | 'debug' | 'trace' | 'fatal', message: unknown, context?: string): void {
    if (message instanceof Error) {
      this.logger[level]({ context, err: message }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      this.logger[level]({ context, ...message });
    } else {
      this.logger[level]({ context }, String(message));
    }
  }
}

/** Nest injection token for the root pino logger. */
export const ROOT_LOGGER = Symbol('ROOT_LOGGER');
