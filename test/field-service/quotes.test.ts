import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp, type TestUser } from '../../support/harness.js';
import { LEDGER_TEST_ENV } from '../ledger/support.js';
import { assignBySql, requestService } from './support.js';

const LINES = [
  { kind: 'labour', label: 'Replace battery', qty: 1, unitAmount: 5_000 },
  { kind: 'part', label: '70Ah battery', qty: 1, unitAmount: 250_000 },
];

describe('work quote: posted on site, approved before work starts, revisions re-approved (issue 18 #3)', () => {
  let t: TestApp;
  let admin: TestUser;

  before(async () => {
    t = await startTestApp('service_quotes', LEDGER_TEST_ENV);
    admin = await t.admin();
  });
  after(() => t.close());

  const call = (who: TestUser, id: string, path: string, body: unknown) =>
    t.api('POST', `/api/v1/service-requests/${id}/${path}`, { token: who.accessToken, body });
  const ok = async (who: TestUser, id: string, path: string, body: unknown) => {
    const res = await call(who, id, path, body);
    assert.equal(res.status, 200, `${path}: ${JSON.stringify(res.body)}`);
    return res.body.data;
  };

  /** A customer's request, assigned to a provider who drove there and arrived. */
  async function onSite() {
    const [customer, provider] = await Promise.all([t.signup('rider'), t.driver()]);
    const req = await requestService(t, customer);
    await assignBySql(t, req.id, provider.id);
    await ok(provider, req.id, 'status', { status: 'en_route' });
    await ok(provider, req.id, 'status', { status: 'arrived' });
    return { customer, provider, id: req.id };
  }

  test('no work before approval; a revised quote needs a new approval', async () => {
    const { customer, provider, id } = await onSite();
    const quoted = await ok(provider, id, 'quote', { items: LINES });
    assert.equal(quoted.status, 'quoted');
    assert.deepEqual([quoted.quote.revision, quoted.quote.total, quoted.quote.status], [1, 255_000, 'pending']);
    assert.deepEqual(
      quoted.quote.items.map((i: { amount: number }) => i.amount),
      [5_000, 250_000],
    );

    const early = await call(provider, id, 'status', { status: 'in_progress' });
    assert.equal(early.status, 409);
    assert.equal(early.body.error.details.reason, 'quote_not_approved');

    const approved = await ok(customer, id, 'quote/approve', { revision: 1 });
    assert.equal(approved.quote.status, 'approved');
    const revised = await ok(provider, id, 'quote', { items: [...LINES, { ...LINES[0], label: 'Clean terminals' }] });
    assert.deepEqual([revised.quote.revision, revised.quote.status], [2, 'pending']);
    assert.equal((await call(provider, id, 'status', { status: 'in_progress' })).status, 409, 'revision 2 unapproved');
    const stale = await call(customer, id, 'quote/approve', { revision: 1 });
    assert.equal(stale.status, 409, 'approving the revision you saw before the change');
    await ok(customer, id, 'quote/approve', { revision: 2 });
    await ok(customer, id, 'quote/approve', { revision: 2 }); // twice is harmless
    const working = await ok(provider, id, 'status', { status: 'in_progress' });
    assert.equal(working.status, 'in_progress');
    const seen = await t.api('GET', `/api/v1/service-requests/${id}`, { token: customer.accessToken });
    assert.deepEqual([seen.body.data.quote.revision, seen.body.data.quote.total], [2, 260_000]);
  });

  test('declining the quote ends the request as declined_quote', async () => {
    const { customer, provider, id } = await onSite();
    await ok(provider, id, 'quote', { items: LINES });
    const declined = await ok(customer, id, 'quote/decline', { revision: 1 });
    assert.deepEqual([declined.status, declined.quote.status], ['declined_quote', 'declined']);
    assert.equal((await call(provider, id, 'status', { status: 'in_progress' })).status, 409);
  });

  test('only the assigned provider quotes, only the customer decides; bad quotes are 400 and store nothing', async () => {
    const { customer, provider, id } = await onSite();
    const other = await t.driver();
    assert.equal((await call(other, id, 'quote', { items: LINES })).status, 404, 'not their job');
    assert.equal((await call(customer, id, 'quote', { items: LINES })).status, 403, 'customers do not quote');
    const tooMany = Array.from({ length: 51 }, (_, i) => ({ ...LINES[0], label: `item ${i}` }));
    const bad: unknown[] = [
      { items: [] },
      { items: tooMany },
      { items: [{ ...LINES[0], unitAmount: -100 }] },
      { items: [{ ...LINES[0], unitAmount: 1.5 }] },
      { items: [{ ...LINES[0], qty: 0 }] },
      { items: [{ ...LINES[1], unitAmount: 5_000_000, qty: 3 }] }, // 150,000 EGP: absurd
      { items: [{ ...LINES[0], kind: 'tip' }] },
    ];
    for (const body of bad) assert.equal((await call(provider, id, 'quote', body)).status, 400, JSON.stringify(body));
    const untouched = await t.api('GET', `/api/v1/service-requests/${id}`, { token: customer.accessToken });
    assert.deepEqual([untouched.body.data.status, untouched.body.data.quote], ['arrived', null]);

    await ok(provider, id, 'quote', { items: LINES });
    const stranger = await t.signup('rider');
    assert.equal((await call(stranger, id, 'quote/approve', { revision: 1 })).status, 404, 'someone else’s quote');
    assert.equal((await call(provider, id, 'quote/approve', { revision: 1 })).status, 403, 'no self-approval');
    assert.equal((await call(admin, id, 'quote/approve', { revision: 1 })).status, 403);
    const after = await t.api('GET', `/api/v1/service-requests/${id}`, { token: customer.accessToken });
    assert.equal(after.body.data.quote.status, 'pending');
  });

  test('the customer cannot approve a quote before one exists, nor quote a searching job', async () => {
    const customer = await t.signup('rider');
    const provider = await t.driver();
    const req = await requestService(t, customer);
    assert.equal((await call(customer, req.id, 'quote/approve', { revision: 1 })).status, 409);
    await assignBySql(t, req.id, provider.id);
    assert.equal((await call(provider, req.id, 'quote', { items: LINES })).status, 409, 'not on site yet');
  });
});
