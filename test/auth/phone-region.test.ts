/** Issue 21.3: any valid international mobile number signs up; PHONE_REGION says what a national number means. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { parseConfig } from '../../src/config.js';
import { startTestApp, type TestApp } from '../../support/harness.js';

const PASSWORD = 'correct-horse-9';
const digits = (n: number) => String(randomBytes(4).readUInt32BE() % 10 ** n).padStart(n, '0');

describe('phone numbers with PHONE_REGION=GB', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp('phone_region', { PHONE_REGION: 'GB' });
  });
  after(async () => {
    await t.close();
    // Other suites in this process expect the default region again.
    const { setPhoneRegion } = await import('../../src/modules/users/index.js');
    setPhoneRegion('EG');
  });

  const signup = (phone: string) =>
    t.api('POST', '/api/v1/auth/signup', { body: { phone, password: PASSWORD, name: 'P', role: 'rider' } });

  test('a national number is read in PHONE_REGION and stored as E.164; the same number in E.164 is the same account', async () => {
    const national = `07400${digits(6)}`;
    const res = await signup(national);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.data.user.phone, `+44${national.slice(1)}`);
    assert.equal((await signup(`+44 ${national.slice(1)}`)).status, 409);
  });

  test('any valid international mobile number is accepted, whatever the region', async () => {
    for (const phone of [`+2010${digits(8)}`, `+97150${digits(7)}`, `+1415555${digits(4)}`]) {
      const res = await signup(phone);
      assert.equal(res.status, 201, `${phone}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.data.user.phone, phone);
    }
  });

  test('an Egyptian national number means nothing in GB, and a landline is refused: 400, nothing stored', async () => {
    const before = await t.count('users');
    for (const phone of [`010${digits(8)}`, '+442071838750']) {
      const res = await signup(phone);
      assert.equal(res.status, 400, phone);
      assert.equal(res.body.error.code, 'VALIDATION_ERROR');
    }
    assert.equal(await t.count('users'), before);
  });

  test('PHONE_REGION defaults to EG and refuses what is not a country', () => {
    assert.equal(parseConfig({}).PHONE_REGION, 'EG');
    assert.throws(() => parseConfig({ PHONE_REGION: 'XX' }), /PHONE_REGION: not a country/);
    assert.throws(() => parseConfig({ PHONE_REGION: 'egypt' }), /PHONE_REGION: must be a two-letter/);
  });
});
