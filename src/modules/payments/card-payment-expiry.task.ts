import { z } from 'zod';
import { defineTask } from '../../platform/jobs/task.js';

/** Issue 15: a card trip still unpaid this long after completion fails and the fare becomes the rider's dues. */
export const CARD_PAYMENT_TIMEOUT_MS = 30 * 60_000;

/** Fails a card payment left unpaid; a payment already paid is left alone. */
export const cardPaymentExpiryTask = defineTask({
  name: 'payments.card_payment_expiry',
  schema: z.object({ paymentId: z.uuid() }),
  maxAttempts: 10,
});

export const cardPaymentExpiryKey = (paymentId: string) => `payments.card_payment_expiry:${paymentId}`;

/** Issue 15 point 6: a card tip unpaid this long fails (nothing is owed: a tip is a gift, not a debt). */
export const CARD_TIP_TIMEOUT_MS = 30 * 60_000;

/** Fails a card tip's order left unpaid; keyed by the order, so a retried tip books its own deadline. */
export const cardTipExpiryTask = defineTask({
  name: 'payments.card_tip_expiry',
  schema: z.object({ orderId: z.uuid() }),
  maxAttempts: 10,
});

export const cardTipExpiryKey = (orderId: string) => `payments.card_tip_expiry:${orderId}`;
