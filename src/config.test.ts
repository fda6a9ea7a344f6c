import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, parseConfig } from './config.js';

/** What an operator reads when start-up refuses: one line per problem. */
function problemsOf(env: Record<string, string>): string[] {
  try {
    parseConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  assert.fail('the configuration was accepted');
}

const PRODUCTION = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://app@db.internal:5432/smartline',
  JWT_KEYS: `k1:${'a'.repeat(40)}`,
  QUOTE_SECRET: 'q'.repeat(40),
  METRICS_TOKEN: 'm'.repeat(24),
  KASHIER_MERCHANT_ID: 'MID-123',
  KASHIER_API_KEY: 'k'.repeat(32),
  SMTP_URL: 'smtp://mail.internal:25',
  PUSH_URL: 'https://push.internal',
  SMS_URL: 'https://sms.internal',
  ONCALL_PHONE: '+201001234567',
};

test('development starts with no configuration at all (dev defaults)', () => {
  const config = parseConfig({});
  assert.equal(config.isProduction, false);
  assert.equal(config.DATABASE_URL, undefined, 'embedded Postgres');
});

test('bad values are refused with one line per problem, each naming its key', () => {
  const problems = problemsOf({ PORT: 'eighty', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://db/x' });
  assert.equal(problems.length, 3, problems.join('\n'));
  for (const key of ['PORT', 'LOG_LEVEL', 'DATABASE_URL'])
    assert.ok(
      problems.some((p) => p.startsWith(`${key}:`)),
      key,
    );
});

test('production lists every missing secret and provider, not just the first', () => {
  const problems = problemsOf({ NODE_ENV: 'production' });
  for (const key of [
    'JWT_KEYS',
    'QUOTE_SECRET',
    'METRICS_TOKEN',
    'KASHIER_API_KEY',
    'DATABASE_URL',
    'SMTP_URL',
    'ONCALL_PHONE',
  ]) {
    assert.ok(
      problems.some((p) => p.startsWith(`${key}:`)),
      `${key} in:\n${problems.join('\n')}`,
    );
  }
});

/** The constant development defaults earlier versions shipped (public in the repository's history). */
const PUBLISHED = {
  JWT_KEYS: 'dev-1:dev-only-jwt-secret-change-me-0123456789abcdef',
  QUOTE_SECRET: 'dev-only-quote-secret-change-me-0123456789',
  METRICS_TOKEN: 'dev-metrics-token',
  KASHIER_API_KEY: 'dev-only-kashier-api-key-change-me',
};

test('production accepts real secrets and refuses the published development ones even when set explicitly', () => {
  assert.equal(parseConfig(PRODUCTION).isProduction, true);
  const problems = problemsOf({ ...PRODUCTION, ...PUBLISHED });
  assert.deepEqual(problems.map((p) => p.split(':')[0]).sort(), [
    'JWT_KEYS',
    'KASHIER_API_KEY',
    'METRICS_TOKEN',
    'QUOTE_SECRET',
  ]);
});

test('a development start never signs with a constant: unset secrets are random, each start its own', () => {
  const first = parseConfig({});
  const second = parseConfig({});
  const secretsOf = (c: typeof first) => [c.jwtKeys[0]!.secret, c.quoteSecret, c.metricsToken, c.kashierApiKeys[0]!];
  assert.deepEqual(first.generatedSecrets.sort(), ['JWT_KEYS', 'KASHIER_API_KEY', 'METRICS_TOKEN', 'QUOTE_SECRET']);
  for (const [i, value] of secretsOf(first).entries()) {
    assert.ok(value.length >= 32, `secret ${i} is 256 random bits`);
    assert.notEqual(value, secretsOf(second)[i], `secret ${i} differs between two starts that keep nothing`);
    assert.ok(!Object.values(PUBLISHED).some((p) => p.endsWith(value)), `secret ${i} is not a published default`);
  }
});

test('the published development secrets are refused in development too (anyone can sign with them)', () => {
  const problems = problemsOf({ NODE_ENV: 'development', ...PUBLISHED });
  assert.deepEqual(problems.map((p) => p.split(':')[0]).sort(), [
    'JWT_KEYS',
    'KASHIER_API_KEY',
    'METRICS_TOKEN',
    'QUOTE_SECRET',
  ]);
});

test('DATABASE_URL may name a Unix socket directory the libpq way', () => {
  const url = 'postgresql:///smartline?host=/run/postgresql&user=app';
  assert.equal(parseConfig({ DATABASE_URL: url }).DATABASE_URL, url);
});
