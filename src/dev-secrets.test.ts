import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parseConfig } from './config.js';
import { devSecretsPath, persistDevSecrets } from './dev-secrets.js';
import { KeyRing } from './modules/auth/index.js';

const dirs: string[] = [];
const dataDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'smartline-secrets-'));
  dirs.push(dir);
  return join(dir, 'data'); // not there yet: the first start creates it
};
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** What `smartline` does at start: parse the environment, then keep generated secrets in DATA_DIR. */
const start = (env: Record<string, string>) =>
  persistDevSecrets(parseConfig({ NODE_ENV: 'development', ...env })).config;

test('a restart of a development install keeps its generated secrets, so its sessions stay valid', async () => {
  const DATA_DIR = dataDir();
  const first = start({ DATA_DIR });
  const token = (await new KeyRing(first.jwtKeys, first.jwtActiveKid).sign({ sub: 'u', role: 'rider', sid: 's' }, 600))
    .token;
  const restarted = start({ DATA_DIR });
  assert.equal((await new KeyRing(restarted.jwtKeys, restarted.jwtActiveKid).verify(token)).sub, 'u');
  assert.deepEqual(
    [restarted.quoteSecret, restarted.metricsToken, restarted.kashierApiKeys],
    [first.quoteSecret, first.metricsToken, first.kashierApiKeys],
  );
  assert.equal(statSync(devSecretsPath(DATA_DIR)).mode & 0o777, 0o600, 'only the owner may read the file');
});

test('two installs share no secret, and a secret set in the environment wins and is not stored', () => {
  const a = start({ DATA_DIR: dataDir() });
  const b = start({ DATA_DIR: dataDir(), METRICS_TOKEN: 'operator-chosen-token' });
  assert.notEqual(a.jwtKeys[0]!.secret, b.jwtKeys[0]!.secret);
  assert.notEqual(a.kashierApiKeys[0], b.kashierApiKeys[0]);
  assert.equal(b.metricsToken, 'operator-chosen-token');
});

test('a secrets file left world-readable is tightened to 0600 at start', () => {
  const DATA_DIR = dataDir();
  const first = start({ DATA_DIR });
  writeFileSync(devSecretsPath(DATA_DIR), JSON.stringify({ JWT_KEYS: first.jwtKeys[0]!.secret }));
  chmodSync(devSecretsPath(DATA_DIR), 0o644);
  const again = start({ DATA_DIR });
  assert.equal(again.jwtKeys[0]!.secret, first.jwtKeys[0]!.secret);
  assert.equal(statSync(devSecretsPath(DATA_DIR)).mode & 0o777, 0o600);
});
