import { Writable } from 'node:stream';
import { createRootLogger, NestPinoLogger } from './logger.ts';

/** Collects the JSON lines a logger writes. */
function capture(): { lines: Array<Record<string, unknown>>; stream: Writable } {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { lines, stream };
}

describe('NestPinoLogger', () => {
  it('logs route mappings at debug', () => {
    const { lines, stream } = capture();
    const logger = new NestPinoLogger(createRootLogger('info', 'test', stream));

    logger.log('Mapped {/health, GET} route', 'RouterExplorer');
    logger.log('AppModule dependencies initialized', 'InstanceLoader');

    expect(lines).toEqual([]);
  });

  it('logs other messages at info', () => {
    const { lines, stream } = capture();
    const logger = new NestPinoLogger(createRootLogger('debug', 'test', stream));

    logger.log('Nest application successfully started', 'NestApplication');
    logger.log('Mapped {/health, GET} route', 'RouterExplorer');

    expect(lines.map((line) => [line.level, line.context])).toEqual([
      [30, 'NestApplication'],
      [20, 'RouterExplorer'],
    ]);
  });
});
