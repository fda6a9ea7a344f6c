import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEV_JWT_KID, type Config, type DevSecretName } from './config.js';

/** Where a development install keeps the secrets it generated (only this process user may read it). */
export const devSecretsPath = (dataDir: string) => join(dataDir, 'secrets.json');
const FILE_MODE = 0o600;

type Stored = Partial<Record<DevSecretName, string>>;

function readStored(path: string): Stored | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (!parsed || typeof parsed !== 'object') return {};
    // An older file may have been created with a looser umask.
    chmodSync(path, FILE_MODE);
    return Object.fromEntries(
      Object.entries(parsed).filter(([, v]) => typeof v === 'string' && v.length >= 32),
    ) as Stored;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`${path}: unreadable development secrets (${(err as Error).message}); fix or delete the file`, {
      cause: err,
    });
  }
}

/**
 * Reads, or creates, the secrets file. A first start writes it exclusively
 * ('wx'): when `serve` and `worker` start together, one writes and the other
 * reads what it wrote, so both sign with the same key.
 */
function loadOrCreate(path: string, wanted: Stored, attempt = 0): Stored {
  const stored = readStored(path);
  if (stored === undefined) {
    try {
      writeFileSync(path, `${JSON.stringify(wanted, null, 2)}\n`, { mode: FILE_MODE, flag: 'wx' });
      return wanted;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST' && attempt === 0) return loadOrCreate(path, wanted, 1);
      throw err;
    }
  }
  const missing = Object.keys(wanted).filter((k) => !stored[k as DevSecretName]);
  if (missing.length === 0) return stored;
  const merged = { ...wanted, ...stored };
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(merged, null, 2)}\n`, { mode: FILE_MODE });
  renameSync(tmp, path);
  return merged;
}

/**
 * Development secrets that survive a restart (sessions, quotes and webhooks
 * stay valid) without any constant in the code: config.ts drew random values
 * for unset secrets; the first start stores them in <DATA_DIR>/secrets.json
 * and later starts use the stored ones. Production never gets here (config
 * refuses a missing secret). Returns the config to run with and the file used.
 */
export function persistDevSecrets(config: Config): { config: Config; path?: string } {
  if (config.generatedSecrets.length === 0) return { config };
  const current: Record<DevSecretName, string> = {
    JWT_KEYS: config.jwtKeys[0]!.secret,
    QUOTE_SECRET: config.quoteSecret,
    METRICS_TOKEN: config.metricsToken,
    KASHIER_API_KEY: config.kashierApiKeys[0]!,
  };
  const wanted = Object.fromEntries(config.generatedSecrets.map((name) => [name, current[name]])) as Stored;
  mkdirSync(config.DATA_DIR, { recursive: true });
  const path = devSecretsPath(config.DATA_DIR);
  const stored = loadOrCreate(path, wanted);
  const use = (name: DevSecretName) => (config.generatedSecrets.includes(name) ? stored[name]! : current[name]);
  return {
    path,
    config: {
      ...config,
      jwtKeys: config.generatedSecrets.includes('JWT_KEYS')
        ? [{ kid: DEV_JWT_KID, secret: use('JWT_KEYS') }]
        : config.jwtKeys,
      quoteSecret: use('QUOTE_SECRET'),
      metricsToken: use('METRICS_TOKEN'),
      kashierApiKeys: [use('KASHIER_API_KEY'), ...config.kashierApiKeys.slice(1)],
    },
  };
}
