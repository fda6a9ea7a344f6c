import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { resolve } from 'node:path';

/**
 * A V8 CPU profile of one phase of a bench run in this process, written to
 * `<dir>/<name>.cpuprofile` (read it with bench/support/profile.ts); without
 * `dir` the phase just runs. `--cpu-prof` would mix in start-up and set-up.
 */
export async function profiledPhase<T>(dir: string | undefined, name: string, phase: () => Promise<T>): Promise<T> {
  if (!dir) return phase();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await phase();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(resolve(dir, `${name}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
}
