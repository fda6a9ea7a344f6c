import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findTool, libpqEnv, MissingToolError } from './pg-tools.js';

test('a missing client tool is reported by name, with how to install it', () => {
  assert.throws(
    () => findTool('pg_dump', '/nonexistent:/also/not'),
    (err: unknown) => {
      assert.ok(err instanceof MissingToolError);
      assert.match(err.message, /pg_dump not found on PATH/);
      assert.match(err.message, /postgresql-client-15/);
      return true;
    },
  );
  assert.throws(() => findTool('pg_restore', ''), /<empty PATH>/);
});

test('connection URLs become libpq env (no password on the command line)', () => {
  assert.deepEqual(libpqEnv('postgres://app:s%40cret@db.internal:6543/smart?sslmode=require'), {
    PGHOST: 'db.internal',
    PGPORT: '6543',
    PGDATABASE: 'smart',
    PGUSER: 'app',
    PGPASSWORD: 's@cret',
    PGSSLMODE: 'require',
  });
  assert.deepEqual(libpqEnv('postgres://postgres@127.0.0.1:5432/test'), {
    PGHOST: '127.0.0.1',
    PGPORT: '5432',
    PGDATABASE: 'test',
    PGUSER: 'postgres',
  });
  // A Unix socket, the way the app's driver reads it: the tools must reach the same server.
  assert.deepEqual(libpqEnv('postgresql:///test?host=/var/run/postgresql&user=postgres'), {
    PGHOST: '/var/run/postgresql',
    PGPORT: '5432',
    PGDATABASE: 'test',
    PGUSER: 'postgres',
  });
});
