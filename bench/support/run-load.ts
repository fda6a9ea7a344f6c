import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import type { LoadResult, LoadSpec } from './load.js';

export type { LoadResult, LoadSpec };

/** Runs bench/support/load.ts (autocannon) in a child process, off the measured server's event loop. */
export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', resolve(import.meta.dirname, 'load.ts'), JSON.stringify(spec)],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.on('exit', (code) =>
      code === 0
        ? resolvePromise(JSON.parse(out.trim().split('\n').pop()!))
        : reject(new Error(`load generator exited ${code}`)),
    );
  });
}

export const fmtLoad = (r: LoadResult) =>
  `${String(r.reqPerSec).padStart(6)} req/s  p50 ${r.p50.toFixed(1).padStart(6)} ms  p95 ` +
  `${r.p95.toFixed(1).padStart(6)} ms  p99 ${r.p99.toFixed(1).padStart(6)} ms  codes ${JSON.stringify(r.statusCodes)}`;
