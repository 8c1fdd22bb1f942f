/**
 * Loaded into a Wayline process with `node --import` when the benchmark runs with
 * --cpu-profile. The benchmark sends `start` and `stop` over the IPC channel around each
 * scenario, so a profile covers the measured traffic and not the start-up. `node
 * --cpu-prof` cannot be used instead, because it writes the profile only on a normal
 * exit, and Nest ends the process on SIGTERM by raising the signal again.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

export type ProfilerCommand = { command: 'start' } | { command: 'stop'; path: string };
export type ProfilerReply = { reply: 'started' } | { reply: 'written'; path: string } | { reply: 'failed'; message: string };

/** Sampling interval in microseconds, the same as the default of `node --cpu-prof-interval`. */
const SAMPLING_INTERVAL_US = 1000;

const session = new Session();
session.connect();

function post(method: string, params?: object): Promise<unknown> {
  return new Promise((resolve, reject) => {
    session.post(method, params, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

async function handle(message: ProfilerCommand): Promise<ProfilerReply> {
  if (message.command === 'start') {
    await post('Profiler.enable');
    await post('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_US });
    await post('Profiler.start');
    return { reply: 'started' };
  }
  const { profile } = (await post('Profiler.stop')) as { profile: unknown };
  // Written under another name first, so the benchmark never reads half a file.
  writeFileSync(`${message.path}.partial`, JSON.stringify(profile));
  renameSync(`${message.path}.partial`, message.path);
  return { reply: 'written', path: message.path };
}

if (process.send !== undefined) {
  process.on('message', (message: ProfilerCommand) => {
    handle(message)
      .catch((error: unknown): ProfilerReply => ({ reply: 'failed', message: error instanceof Error ? error.message : String(error) }))
      .then((reply) => process.send?.(reply));
  });
  // The channel must not keep the process alive once Wayline has shut down.
  process.channel?.unref();
}
