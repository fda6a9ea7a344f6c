/**
 * A `smartline worker` process (src/main.ts, the role the README's scale-out
 * runs beside API nodes) on a bench's database and schema, for benches that
 * measure an API node whose jobs run elsewhere. Resolves once it has started.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { BENCH_ADMIN } from './bench-app.js';

export async function startWorkerProcess(opts: { databaseUrl: string; schema: string; env?: Record<string, string> }) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'worker'], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      DATABASE_URL: opts.databaseUrl,
      DB_SCHEMA: opts.schema,
      PORT: '0', // its probe server
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      ADMIN_PHONE: BENCH_ADMIN.phone,
      ADMIN_PASSWORD: BENCH_ADMIN.password,
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  // Its log is read to the end (a pipe nobody reads would stall it) and looked at until it has started.
  const lines = createInterface({ input: child.stdout });
  await new Promise<void>((started, failed) => {
    lines.on('line', (line) => line.includes('smartline started') && started());
    void exited.then((code) => failed(new Error(`smartline worker exited (${code}) before it started`)));
  });
  return {
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
