/** Sign-up, login, token rotation, logout, roles and signing-key rotation as a client sees them. */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { randomPhone, startTestApp, type TestApp } from '../../support/harness.js';
import { query } from '../support/fixtures.js';

const PASSWORD = 'correct-horse-9';
const secret = () => randomBytes(24).toString('base64url'); // 32 characters

describe('auth', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp('auth', { DB_POOL_MAX: '10' });
  });
  after(async () => t.close());

  const signup = (body: Record<string, unknown>) => t.api('POST', '/api/v1/auth/signup', { body });
  const login = (phone: string, password: string) => t.api('POST', '/api/v1/auth/login', { body: { phone, password } });

  test('signup answers 201 with the user and a token pair; the phone is stored normalised', async () => {
    const local = `010${randomPhone().slice(-8)}`; // national format, 11 digits
    const res = await signup({
      phone: `+20 ${local.slice(1, 4)} ${local.slice(4, 7)} ${local.slice(7)}`,
      password: PASSWORD,
      name: 'Mona',
      role: 'rider',
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const { user, accessToken, refreshToken } = res.body.data;
    assert.equal(user.phone, `+2${local}`);
    assert.equal(user.role, 'rider');
    assert.equal(user.name, 'Mona');
    assert.ok(accessToken && refreshToken);

    const again = await signup({ phone: local, password: PASSWORD, name: 'Mona again', role: 'driver' });
    assert.equal(again.status, 409, '"01…" and "+20 1…" are the same account');
    assert.equal(again.body.error.code, 'CONFLICT');
    assert.equal((await login(local, PASSWORD)).status, 200, 'login works with either spelling');
  });

  test('parallel signups of one number (any spelling): exactly one account', async () => {
    const local = `011${randomPhone().slice(-8)}`;
    const spellings = [
      local,
      `+2${local}`,
      `+20 ${local.slice(1)}`,
      `0020${local.slice(1)}`,
      `+20-${local.slice(1, 4)}-${local.slice(4)}`,
    ];
    const results = await Promise.all(
      spellings.map((phone) => signup({ phone, password: PASSWORD, name: 'Twin', role: 'rider' })),
    );
    assert.deepEqual(results.map((r) => r.status).sort(), [201, 409, 409, 409, 409]);
    const rows = await query<{ n: number }>(t, 'SELECT count(*)::int AS n FROM $schema.users WHERE phone = $1', [
      `+2${local}`,
    ]);
    assert.equal(rows[0]!.n, 1);
  });

  test('passwords are stored as argon2 hashes', async () => {
    const rows = await query<{ password_hash: string }>(t, 'SELECT password_hash FROM $schema.users');
    assert.ok(rows.length > 0);
    for (const r of rows) assert.match(r.password_hash, /^\$argon2/);
  });

  test('landline and junk phone numbers are refused with 400 and nothing stored', async () => {
    const before = await t.count('users');
    for (const phone of [
      '+442071838750',
      '+20225790000',
      '0225790000',
      '+2010012345',
      'not-a-phone',
      '+201301234567',
    ]) {
      const res = await signup({ phone, password: PASSWORD, name: 'X', role: 'rider' });
      assert.equal(res.status, 400, `${phone}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.error.code, 'VALIDATION_ERROR');
    }
    assert.equal(await t.count('users'), before);
  });

  test('wrong password and unknown phone give the same 401', async () => {
    const user = await t.signup('rider');
    const wrong = await login(user.phone, 'wrong-password');
    const unknown = await login(randomPhone(), 'whatever-password');
    const notMobile = await login('+14155552671', 'whatever-password');
    for (const res of [wrong, unknown, notMobile]) {
      assert.equal(res.status, 401);
      assert.equal(res.body.error.code, 'UNAUTHENTICATED');
    }
    assert.equal(wrong.body.error.message, unknown.body.error.message);
    assert.equal(wrong.body.error.message, notMobile.body.error.message);
  });

  test('GET /me shows the owner their own unmasked phone', async () => {
    const user = await t.signup('driver');
    const me = await t.api('GET', '/api/v1/me', { token: user.accessToken });
    assert.equal(me.status, 200);
    assert.deepEqual(
      { id: me.body.data.id, phone: me.body.data.phone, role: me.body.data.role },
      { id: user.id, phone: user.phone, role: 'driver' },
    );
    assert.ok(!me.body.data.phone.includes('*'));
    assert.equal(me.body.data.password_hash, undefined);
    assert.equal(me.body.data.passwordHash, undefined);
  });

  test('refresh rotates: the old refresh token is dead, and reusing it kills the whole family', async () => {
    const user = await t.signup('rider');
    const first = await t.api('POST', '/api/v1/auth/refresh', { body: { refreshToken: user.refreshToken } });
    assert.equal(first.status, 200);
    const rotated = first.body.data;
    assert.notEqual(rotated.refreshToken, user.refreshToken);
    assert.equal((await t.api('GET', '/api/v1/me', { token: rotated.accessToken })).status, 200);

    const reuse = await t.api('POST', '/api/v1/auth/refresh', { body: { refreshToken: user.refreshToken } });
    assert.equal(reuse.status, 401, 'a used refresh token is refused');
    // Reuse means theft: every token of the family stops working, even the newest.
    assert.equal((await t.api('GET', '/api/v1/me', { token: rotated.accessToken })).status, 401);
    assert.equal((await t.api('GET', '/api/v1/me', { token: user.accessToken })).status, 401);
    assert.equal(
      (await t.api('POST', '/api/v1/auth/refresh', { body: { refreshToken: rotated.refreshToken } })).status,
      401,
    );
    // Another session of the same user is untouched.
    const other = await login(user.phone, 'password-123');
    assert.equal((await t.api('GET', '/api/v1/me', { token: other.body.data.accessToken })).status, 200);
  });

  test('two refreshes racing with one token: at most one succeeds', async () => {
    const user = await t.signup('rider');
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        t.api('POST', '/api/v1/auth/refresh', { body: { refreshToken: user.refreshToken } }),
      ),
    );
    assert.ok(results.filter((r) => r.status === 200).length <= 1);
    assert.ok(results.every((r) => r.status === 200 || r.status === 401));
  });

  test('logout answers 204; its access and refresh tokens are refused afterwards', async () => {
    const user = await t.signup('rider');
    const out = await t.api('POST', '/api/v1/auth/logout', { token: user.accessToken });
    assert.equal(out.status, 204);
    assert.equal(out.body, undefined);
    const me = await t.api('GET', '/api/v1/me', { token: user.accessToken });
    assert.equal(me.status, 401);
    assert.equal(me.body.error.code, 'UNAUTHENTICATED');
    assert.equal(
      (await t.api('POST', '/api/v1/auth/refresh', { body: { refreshToken: user.refreshToken } })).status,
      401,
    );
  });

  test('roles: no token 401, garbage token 401, rider on an admin route 403', async () => {
    const rider = await t.signup('rider');
    const path = '/api/v1/admin/dead-letters';
    assert.equal((await t.api('GET', path)).status, 401);
    for (const token of ['garbage', 'a.b.c', rider.accessToken.slice(0, -4) + 'AAAA']) {
      const res = await t.api('GET', path, { token });
      assert.equal(res.status, 401, token);
      assert.equal(res.body.error.code, 'UNAUTHENTICATED');
    }
    const malformed = await t.api('GET', path, { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    assert.equal(malformed.status, 401);
    const forbidden = await t.api('GET', path, { token: rider.accessToken });
    assert.equal(forbidden.status, 403);
    assert.equal(forbidden.body.error.code, 'FORBIDDEN');
    const admin = await t.admin();
    assert.equal((await t.api('GET', path, { token: admin.accessToken })).status, 200);
    // A driver-only route refuses a rider; a rider-only route refuses a driver.
    const driver = await t.signup('driver');
    assert.equal(
      (await t.api('POST', '/api/v1/drivers/me/availability', { token: rider.accessToken, body: { available: true } }))
        .status,
      403,
    );
    assert.equal(
      (await t.api('POST', '/api/v1/trips', { token: driver.accessToken, body: {} })).status,
      403,
      'role is checked before the body',
    );
  });

  test('the first admin (from ADMIN_PHONE) logs in and sees its own phone', async () => {
    const admin = await t.admin();
    const me = await t.api('GET', '/api/v1/me', { token: admin.accessToken });
    assert.equal(me.body.data.role, 'admin');
    assert.equal(me.body.data.phone, admin.phone);
  });
});

describe('JWT signing-key rotation', () => {
  const oldKey = `old:${secret()}`;
  const newKey = `new:${secret()}`;
  let oldOnly: TestApp;
  let both: TestApp;
  let newOnly: TestApp;
  before(async () => {
    oldOnly = await startTestApp('jwt_rotation', { JWT_KEYS: oldKey, JWT_ACTIVE_KID: 'old', DB_POOL_MAX: '5' });
    // Same schema, so the sessions the tokens name exist for every app.
    both = await startTestApp('jwt_rotation_b', {
      DB_SCHEMA: oldOnly.schema,
      JWT_KEYS: `${oldKey},${newKey}`,
      JWT_ACTIVE_KID: 'new',
      DB_POOL_MAX: '3',
    });
    newOnly = await startTestApp('jwt_rotation_c', {
      DB_SCHEMA: oldOnly.schema,
      JWT_KEYS: newKey,
      JWT_ACTIVE_KID: 'new',
      DB_POOL_MAX: '3',
    });
  });
  after(async () => {
    await newOnly.close();
    await both.close();
    await oldOnly.close();
  });

  const kidOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()).kid;

  test(
    'a token signed by the old key keeps working while both keys are configured; removing the old key ends ' + 'it',
    async () => {
      const user = await oldOnly.signup('rider');
      assert.equal(kidOf(user.accessToken), 'old');
      assert.equal(
        (await both.api('GET', '/api/v1/me', { token: user.accessToken })).status,
        200,
        'old token verifies on the rotated node',
      );

      const fresh = await both.api('POST', '/api/v1/auth/login', {
        body: { phone: user.phone, password: 'password-123' },
      });
      assert.equal(kidOf(fresh.body.data.accessToken), 'new', 'the active kid signs new tokens');
      assert.equal((await both.api('GET', '/api/v1/me', { token: fresh.body.data.accessToken })).status, 200);

      const gone = await newOnly.api('GET', '/api/v1/me', { token: user.accessToken });
      assert.equal(gone.status, 401, 'old key removed ⇒ old tokens are refused');
      assert.equal(gone.body.error.code, 'UNAUTHENTICATED');
      assert.equal((await newOnly.api('GET', '/api/v1/me', { token: fresh.body.data.accessToken })).status, 200);
      assert.equal(
        (await oldOnly.api('GET', '/api/v1/me', { token: fresh.body.data.accessToken })).status,
        401,
        'a node without the new key refuses its tokens',
      );
    },
  );
});
