/** Helpers of the service-request money suite (not a test file itself). */
import assert from 'node:assert/strict';
import type { TestUser } from '../../support/harness.js';
import { photo, photoWithGps, uploadProof, workInProgress } from './proof-support.js';
import { sql, type PaymentsTest } from '../payments/support.js';

// Battery call-out 80.00 EGP at 15 % commission (migration 0041's version 1), plus 20.00 EGP of labour.
export const CALL_OUT = 8_000;
export const LINES = [{ kind: 'labour', label: 'Jump start', qty: 1, unitAmount: 2_000 }];
export const TOTAL = CALL_OUT + 2_000;
export const COMMISSION = Math.round((TOTAL * 1500) / 10_000);

/** A request worked through to `completed` over the API (quote approved, photo proof, the customer's code). */
export async function completedRequest(
  ctx: PaymentsTest,
  paymentMethod: 'cash' | 'wallet' | 'card',
  customer?: TestUser,
) {
  const job = await workInProgress(ctx.t, { paymentMethod }, { customer, lines: LINES });
  assert.equal((await uploadProof(ctx.t, job.provider, job.id, [photo(await photoWithGps())])).status, 201);
  const done = await ctx.t.api('POST', `/api/v1/service-requests/${job.id}/status`, {
    token: job.provider.accessToken,
    body: { status: 'completed', code: job.completionCode },
  });
  assert.equal(done.status, 200, JSON.stringify(done.body));
  return job;
}

export const receiptOf = (ctx: PaymentsTest, who: TestUser, id: string) =>
  ctx.t.api('GET', `/api/v1/service-requests/${id}/receipt`, { token: who.accessToken });

/** Ledger transfers of one kind referencing the request. */
export async function transfersOf(ctx: PaymentsTest, requestId: string, kind: string) {
  const [{ n, sum }] = await sql(
    ctx.t,
    `SELECT count(*)::int AS n, coalesce(sum(amount), 0)::int AS sum FROM $schema.ledger_transfers
     WHERE kind = $1 AND reference = $2`,
    [kind, `service:${requestId}`],
  );
  return { n: n as number, sum: sum as number };
}
