/**
 * Issue 21.3: the README's "First trip in five minutes" stays true. Its fenced blocks run as written: the
 * `bash walkthrough-server` block starts the server (on a free port, a scratch schema of the run's database and
 * rate limits on, as a newcomer gets them), the `bash walkthrough` blocks run in order in one bash (the second
 * terminal), and the `bash walkthrough-socket` block runs beside them (the third terminal) from where it appears.
 * The only edit is the address: `localhost:3000` becomes the test server's. The trip must end `completed`.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { OVERLOAD_OFF } from '../../support/harness.js';
import { dropScratchSchema } from '../../support/scratch-schema.js';
import { eventually } from '../support/fixtures.js';
import { freePort } from '../realtime/support.js';

const ROOT = resolve(import.meta.dirname, '../..');
const START_TIMEOUT_MS = 300_000; // a fresh checkout builds the console and migrates a schema first
const WALK_TIMEOUT_MS = 240_000;
const schema = `t_walk_${randomBytes(3).toString('hex')}`;
const dir = mkdtempSync(join(tmpdir(), 'smartline-walkthrough-'));
const children: ChildProcess[] = [];

after(async () => {
  for (const child of children) if (child.exitCode === null) killGroup(child, 'SIGKILL');
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  await dropScratchSchema(client, schema);
  await client.end();
  rmSync(dir, { recursive: true, force: true });
});

interface Block {
  kind: 'walkthrough' | 'walkthrough-server' | 'walkthrough-socket';
  body: string;
}

function readmeBlocks(): Block[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  return [...readme.matchAll(/^```bash (walkthrough(?:-server|-socket)?)\n([\s\S]*?)^```$/gm)].map(
    ([, kind, body]) => ({
      kind: kind as Block['kind'],
      body: body!,
    }),
  );
}

/** Every child runs in its own process group: `npm start` is npm → sh → node, and all of it must stop. */
function start(script: string, env: NodeJS.ProcessEnv): { child: ChildProcess; output: () => string } {
  const child = spawn('bash', ['-c', script], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  return { child, output: () => output };
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals) {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    /* already gone */
  }
}

/**
 * The second terminal's blocks in one bash; the third terminal's block starts in the background where the README
 * shows it, and the walk goes on once it printed `connected` (as a reader would wait), then waits for it to end.
 */
function composeWalk(blocks: Block[], url: string, socketLog: string): string {
  const lines = ['set -euo pipefail'];
  for (const block of blocks) {
    const body = block.body.replaceAll('localhost:3000', url);
    if (block.kind === 'walkthrough') lines.push(body);
    if (block.kind === 'walkthrough-socket') {
      lines.push(`( ${body.trim()} ) > ${socketLog} 2>&1 &`, 'SOCKET_PID=$!');
      lines.push(`for _ in $(seq 600); do grep -q '^.* connected as' ${socketLog} && break; sleep 0.2; done`);
    }
  }
  lines.push('wait $SOCKET_PID');
  return lines.join('\n');
}

test(
  'the README walkthrough takes a trip from sign-up to receipt',
  { timeout: START_TIMEOUT_MS + WALK_TIMEOUT_MS },
  async () => {
    const blocks = readmeBlocks();
    const server = blocks.filter((b) => b.kind === 'walkthrough-server');
    assert.equal(server.length, 1, 'one server block');
    assert.equal(blocks.filter((b) => b.kind === 'walkthrough-socket').length, 1, 'one socket block');
    assert.ok(blocks.filter((b) => b.kind === 'walkthrough').length >= 3, 'the walkthrough blocks');

    const port = await freePort();
    const serverEnv = {
      ...process.env,
      ...OVERLOAD_OFF,
      DB_SCHEMA: schema,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: join(dir, 'data'),
      LOG_LEVEL: 'info',
    };
    const node = start(server[0]!.body, serverEnv);
    await eventually(
      async () => node.output().includes('smartline started') || node.child.exitCode !== null,
      START_TIMEOUT_MS,
      250,
    );
    assert.equal(node.child.exitCode, null, `the server did not start:\n${node.output()}`);

    const socketLog = join(dir, 'socket.log');
    const walk = start(composeWalk(blocks, `127.0.0.1:${port}`, socketLog), { ...process.env });
    const timer = setTimeout(() => killGroup(walk.child, 'SIGKILL'), WALK_TIMEOUT_MS);
    const [code] = (await once(walk.child, 'exit')) as [number | null];
    clearTimeout(timer);
    const sockets = readFileSync(socketLog, 'utf8');
    assert.equal(code, 0, `the walkthrough failed:\n${walk.output()}\n--- socket:\n${sockets}`);

    // What the reader sees: each step's answer, in order, then a receipt with its total.
    const said = walk.output().split('\n');
    const steps = ['accepted', 'arrived', 'started', 'completed'].map((s) => said.indexOf(s));
    assert.ok(
      steps.every((i, n) => i >= 0 && (n === 0 || i > steps[n - 1]!)),
      walk.output(),
    );
    assert.match(walk.output(), /total: \d+/);
    assert.match(sockets, / connected as driver Dina Driver/);
    assert.match(sockets, / trip:offer \{/);
    assert.match(sockets, / trip:completed \{/);

    const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    const trips = await client.query(`SELECT status FROM "${schema}".trips`);
    await client.end();
    assert.deepEqual(
      trips.rows.map((r) => r.status),
      ['completed'],
    );

    killGroup(node.child, 'SIGTERM');
    await once(node.child, 'exit');
  },
);
