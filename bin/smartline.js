#!/usr/bin/env node
// `smartline <serve|worker|all|migrate|admin ...>`: a development checkout runs src/main.ts through tsx;
// a production install (no dev dependencies, so no tsx) runs the build in dist/ (`npm run build`).
// `smartline demo` runs the five-minute demo (sim/demo.ts, development checkouts only).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function hasTsx() {
  try {
    createRequire(import.meta.url).resolve('tsx');
    return true;
  } catch {
    return false;
  }
}

const [command, ...rest] = process.argv.slice(2);
const tsx = hasTsx();
const entry =
  command === 'demo'
    ? ['--import', 'tsx', join(root, 'sim/demo.ts'), ...rest]
    : tsx
      ? ['--import', 'tsx', join(root, 'src/main.ts'), ...process.argv.slice(2)]
      : [join(root, 'dist/main.js'), ...process.argv.slice(2)];
const child = spawn(process.execPath, entry, { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
