import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp, type TestUser } from '../../support/harness.js';
import { LEDGER_TEST_ENV, assertLedgerConsistent, balanceOf, fund, newWallet } from '../ledger/support.js';
import { photo, photoWithGps, uploadProof, workInProgress } from './proof-support.js';
import { assignBySql, requestService } from './support.js';

// Battery call-out 80.00 EGP at 15 % commission (migration 0041's version 1), plus the quote below.
const CALL_OUT = 8_000;
const LINES = [
  { kind: 'labour', label: 'Fit battery', qty: 1, unitAmount: 5_000 },
  { kind: 'part', label: '60Ah battery', qty: 2, unitAmount: 100_000 },
];
const WORK = 205_000;
const commissionOf = (amount: number) => Math.round((amount * 1500) / 10_000);

describe('service request invoice and settlement through the ledger (issue 18 #6)', () => {
  let t: TestApp;

  before(async () => {
    t = await startTestApp('service_settlement', LEDGER_TEST_ENV);
  });
  after(() => t.close());

  async function completeWithProof(job: Awaited<ReturnType<typeof workInProgress>>) {
    assert.equal((await uploadProof(t, job.provider, job.id, [photo(await photoWithGps())])).status, 201);
    const done = await t.api('POST', `/api/v1/service-requests/${job.id}/status`, {
      token: job.provider.accessToken,
      body: { status: 'completed', code: job.completionCode },
    });
    assert.equal(done.status, 200, JSON.stringify(done.body));
  }
  const receipt = (who: TestUser, id: string) =>
    t.api('GET', `/api/v1/service-requests/${id}/receipt`, { token: who.accessToken });

  test('wallet: completing pays call-out + approved quote to the provider, commission to the platform, once', async () => {
    const customer = await newWallet(t, 'rider');
    await fund(t.platform.database.db, customer.accountId, 300_000);
    const job = await workInProgress(t, { paymentMethod: 'wallet' }, { customer: customer.user, lines: LINES });
    assert.equal((await receipt(job.customer, job.id)).status, 409, 'no receipt before completion');
    await completeWithProof(job);

    const total = CALL_OUT + WORK;
    const mine = await receipt(job.customer, job.id);
    assert.equal(mine.status, 200, JSON.stringify(mine.body));
    assert.deepEqual(
      mine.body.data.items.map((i: { code: string; amount: number }) => [i.code, i.amount]),
      [
        ['call_out', CALL_OUT],
        ['labour', 5_000],
        ['part', 200_000],
      ],
    );
    assert.deepEqual([mine.body.data.total, mine.body.data.outcome, mine.body.data.method], [total, 'paid', 'wallet']);
    assert.equal(mine.body.data.commission, undefined, "the customer does not see the platform's cut");
    const theirs = await receipt(job.provider, job.id);
    assert.deepEqual(
      [theirs.body.data.commission, theirs.body.data.providerShare],
      [commissionOf(total), total - commissionOf(total)],
    );
    assert.equal((await balanceOf(t.platform.database.db, customer.user.id)).available, 300_000 - total);
    assert.equal((await balanceOf(t.platform.database.db, job.provider.id)).available, total - commissionOf(total));

    // A retried completion (same move within the repeat bucket) settles nothing twice.
    const again = await t.api('POST', `/api/v1/service-requests/${job.id}/status`, {
      token: job.provider.accessToken,
      body: { status: 'completed', code: job.completionCode },
    });
    assert.equal(again.status, 200);
    assert.equal((await balanceOf(t.platform.database.db, customer.user.id)).available, 300_000 - total);
    await assertLedgerConsistent(t.platform.database.db);
  });

  test('cash: the provider collected the money and owes the commission', async () => {
    const job = await workInProgress(t, { paymentMethod: 'cash' }, { lines: LINES });
    await completeWithProof(job);
    const total = CALL_OUT + WORK;
    const res = await receipt(job.customer, job.id);
    assert.deepEqual([res.body.data.total, res.body.data.method, res.body.data.outcome], [total, 'cash', 'paid']);
    const provider = await balanceOf(t.platform.database.db, job.provider.id);
    assert.ok(provider.available <= 0, 'the commission is owed from the provider wallet or booked to cash clearing');
    await assertLedgerConsistent(t.platform.database.db);
  });

  test('a declined quote settles the call-out fee only', async () => {
    const customer = await newWallet(t, 'rider');
    await fund(t.platform.database.db, customer.accountId, 50_000);
    const provider = await t.driver();
    const req = await requestService(t, customer.user, { paymentMethod: 'wallet' });
    await assignBySql(t, req.id, provider.id);
    for (const status of ['en_route', 'arrived'])
      await t.api('POST', `/api/v1/service-requests/${req.id}/status`, {
        token: provider.accessToken,
        body: { status },
      });
    await t.api('POST', `/api/v1/service-requests/${req.id}/quote`, {
      token: provider.accessToken,
      body: { items: LINES },
    });
    const declined = await t.api('POST', `/api/v1/service-requests/${req.id}/quote/decline`, {
      token: customer.user.accessToken,
      body: { revision: 1 },
    });
    assert.equal(declined.status, 200);
    const res = await receipt(customer.user, req.id);
    assert.deepEqual(res.body.data.items, [{ code: 'call_out', amount: CALL_OUT }]);
    assert.equal((await balanceOf(t.platform.database.db, customer.user.id)).available, 50_000 - CALL_OUT);
    const stranger = await t.signup('rider');
    assert.equal((await receipt(stranger, req.id)).status, 404);
    await assertLedgerConsistent(t.platform.database.db);
  });

  test('reconciliation sees the service settlements: one per finished request, wallet fees matching the ledger', async () => {
    const admin = await t.admin();
    const run = await t.api('POST', '/api/v1/admin/reconciliation/run', { token: admin.accessToken });
    assert.equal(run.status, 200);
    const check = run.body.data.checks.find((c: { name: string }) => c.name === 'service_requests_settled_once');
    assert.equal(check.ok, true, JSON.stringify(check));
    assert.deepEqual([check.details.finished, check.details.settled, check.details.walletPaid], [3, 3, 2]);
    assert.equal(check.details.ledgerFees, CALL_OUT + WORK + CALL_OUT);
  });
});
