/** Helpers of the card-trip and refund suites (not a test file itself). */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TestApp, TestUser } from '../../support/harness.js';
import { completeTrip, sql, startedTrip, type PaymentsTest } from './support.js';

/** A card trip completed through the API: returns its id and the Kashier payment it carries. */
export async function completedCardTrip(t: TestApp, rider: TestUser, driver: TestUser, fare: number) {
  const tripId = await startedTrip(t, rider, driver, { paymentMethod: 'card', fare });
  const done = await completeTrip(t, driver, tripId);
  assert.equal(done.status, 200, JSON.stringify(done.body));
  return { tripId, payment: done.body.data.payment as { status: string; paymentUrl: string | null } };
}

/** Polls until `check` holds (jobs apply webhooks and refunds asynchronously). */
export async function until<T>(what: string, read: () => Promise<T>, check: (v: T) => boolean, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)} after ${timeoutMs} ms`);
    await sleep(25);
  }
}

export async function cardPaymentStatus(t: TestApp, tripId: string): Promise<string | undefined> {
  const [row] = await sql(t, 'SELECT status FROM $schema.card_payments WHERE trip_id = $1', [tripId]);
  return row?.status as string | undefined;
}

/** A card trip the rider has paid on the fake Kashier page; waits for the webhook's job to settle it. */
export async function paidCardTrip(ctx: PaymentsTest, rider: TestUser, driver: TestUser, fare: number) {
  const { tripId, payment } = await completedCardTrip(ctx.t, rider, driver, fare);
  const paid = await ctx.kashier.pay(payment.paymentUrl!);
  assert.equal(paid.webhookStatus, 200);
  await until(
    'card payment',
    () => cardPaymentStatus(ctx.t, tripId),
    (s) => s === 'paid',
  );
  return { tripId, transactionId: paid.transactionId! };
}

export async function netOf(t: TestApp, accountKind: string): Promise<number> {
  const [row] = await sql(
    t,
    'SELECT credits_posted - debits_posted AS net FROM $schema.ledger_accounts WHERE kind = $1 AND owner_id IS NULL',
    [accountKind],
  );
  return Number(row.net);
}
