import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfig } from '../config.js';
import { describeRedisTarget, parseRedisTarget } from './redis-connection.js';

test('redis:// and rediss:// (TLS) are one server; ioredis turns rediss into a TLS connection', () => {
  assert.deepEqual(parseRedisTarget({ url: 'rediss://:pw@cache.example:6380/2' }), {
    kind: 'server',
    url: 'rediss://:pw@cache.example:6380/2',
  });
  assert.equal(
    describeRedisTarget(parseRedisTarget({ url: 'rediss://:pw@cache.example:6380/2' })!),
    'cache.example:6380',
  );
});

test('redis+sentinel:// names every sentinel, the master, its credentials and database', () => {
  const target = parseRedisTarget({ url: 'rediss+sentinel://app:s%40cret@s1:26379,s2,[::1]:26380/mymaster/3' });
  assert.deepEqual(target, {
    kind: 'sentinel',
    sentinels: [
      { host: 's1', port: 26379 },
      { host: 's2', port: 26379 },
      { host: '::1', port: 26380 },
    ],
    masterName: 'mymaster',
    username: 'app',
    password: 's@cret',
    sentinelPassword: undefined,
    db: 3,
    tls: true,
  });
  assert.equal(describeRedisTarget(target!), 'sentinel mymaster via s1:26379,s2:26379,::1:26380');
});

test('REDIS_SENTINELS + REDIS_MASTER_NAME (+ REDIS_PASSWORD) is the same target without a URL', () => {
  const config = parseConfig({ REDIS_SENTINELS: 's1:26379, s2:26379', REDIS_MASTER_NAME: 'm', REDIS_PASSWORD: 'pw' });
  assert.deepEqual(config.redis, {
    kind: 'sentinel',
    sentinels: [
      { host: 's1', port: 26379 },
      { host: 's2', port: 26379 },
    ],
    masterName: 'm',
    password: 'pw',
    sentinelPassword: undefined,
    tls: false,
  });
  assert.equal(parseConfig({}).redis, undefined);
});

test('a wrong Redis setting stops start-up with one line saying what is wrong', () => {
  const problems = (env: Record<string, string>) => {
    try {
      parseConfig(env);
      return [];
    } catch (err) {
      return (err as { problems: string[] }).problems;
    }
  };
  assert.match(problems({ REDIS_URL: 'http://cache:6379' }).join(), /^REDIS_URL: must be redis:\/\//);
  assert.match(problems({ REDIS_URL: 'redis+sentinel://s1:26379' }).join(), /masterName/);
  assert.match(problems({ REDIS_URL: 'redis+sentinel://s1:99999/m' }).join(), /not host\[:port\]/);
  assert.match(problems({ REDIS_SENTINELS: 's1' }).join(), /REDIS_SENTINELS: REDIS_SENTINELS needs REDIS_MASTER_NAME/);
  assert.match(problems({ REDIS_SENTINELS: 's1', REDIS_MASTER_NAME: 'm', REDIS_URL: 'redis://x' }).join(), /not both/);
});
