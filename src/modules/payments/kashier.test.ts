import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import {
  buildPaymentUrl,
  formatMajor,
  orderHash,
  parseMajor,
  signWebhook,
  verifyWebhookSignature,
  webhookSigningString,
} from './kashier.js';
import { depositReviewReason, withdrawalReviewReason, FRAUD_LIMITS } from './fraud-rules.js';

const KEY = 'test-api-key-0123456789';
const OLD_KEY = 'old-api-key-0123456789';

describe('kashier', () => {
  test('amounts go to and from major units without floats', () => {
    assert.equal(formatMajor(29950), '299.50');
    assert.equal(formatMajor(5), '0.05');
    assert.equal(parseMajor('299.50'), 29950);
    assert.equal(parseMajor('299.5'), 29950);
    assert.equal(parseMajor('299'), 29900);
    assert.equal(parseMajor(0.1 + 0.2), null, '0.30000000000000004 is not an amount');
    assert.equal(parseMajor('-1'), null);
    assert.equal(parseMajor('1.234'), null);
  });

  test('order hash is HMAC-SHA256 over /?payment=mid.order.amount.currency', () => {
    const expected = createHmac('sha256', KEY).update('/?payment=MID-1.order-9.299.50.EGP').digest('hex');
    assert.equal(
      orderHash({ merchantId: 'MID-1', orderId: 'order-9', amount: '299.50', currency: 'EGP', apiKey: KEY }),
      expected,
    );
    const url = new URL(
      buildPaymentUrl(
        {
          merchantId: 'MID-1',
          apiKeys: [KEY],
          mode: 'test',
          checkoutUrl: 'https://checkout.example',
          redirectUrl: 'https://app.example/back',
        },
        { orderId: 'order-9', amount: 29950, currency: 'EGP' },
      ),
    );
    assert.equal(url.searchParams.get('hash'), expected);
    assert.equal(url.searchParams.get('amount'), '299.50');
    assert.equal(url.searchParams.get('merchantRedirect'), 'https://app.example/back');
  });

  test('webhook signature covers only the sorted signatureKeys fields, URL-encoded', () => {
    const data = {
      status: 'SUCCESS',
      amount: '10.00',
      merchantOrderId: 'a b',
      noise: 'x',
      signatureKeys: ['status', 'amount', 'merchantOrderId'],
    };
    assert.equal(webhookSigningString(data), 'amount=10.00&merchantOrderId=a%20b&status=SUCCESS');
    const signature = signWebhook(data, KEY);
    assert.ok(verifyWebhookSignature({ ...data, noise: 'changed' }, signature, [KEY]), 'unsigned fields may change');
    assert.ok(!verifyWebhookSignature({ ...data, amount: '1000.00' }, signature, [KEY]));
    assert.ok(
      !verifyWebhookSignature(
        data,
        signature.replace(/^./, (c) => (c === 'a' ? 'b' : 'a')),
        [KEY],
      ),
    );
    assert.ok(!verifyWebhookSignature(data, undefined, [KEY]));
    assert.ok(!verifyWebhookSignature(data, 'short', [KEY]));
    assert.ok(!verifyWebhookSignature({ ...data, signatureKeys: [] }, signature, [KEY]));
  });

  test('during a key rotation both the current and the previous key verify', () => {
    const data = { transactionId: 't1', signatureKeys: ['transactionId'] };
    assert.ok(verifyWebhookSignature(data, signWebhook(data, OLD_KEY), [KEY, OLD_KEY]));
    assert.ok(!verifyWebhookSignature(data, signWebhook(data, OLD_KEY), [KEY]));
  });
});

describe('fraud rules', () => {
  test('deposits: big single amounts and bursts are held', () => {
    assert.equal(
      depositReviewReason({ amount: FRAUD_LIMITS.depositReviewOver + 1, paidDepositsLastHour: 0 }),
      'single_amount_cap',
    );
    assert.equal(
      depositReviewReason({ amount: 100, paidDepositsLastHour: FRAUD_LIMITS.depositsPerHour }),
      'deposit_velocity',
    );
    assert.equal(depositReviewReason({ amount: 100, paidDepositsLastHour: 0 }), null);
  });

  test('withdrawals: soon after a deposit, big, or too many ⇒ review', () => {
    const now = new Date('2025-01-02T00:00:00Z');
    const base = { amount: 100, lastDepositAt: null, withdrawalsLastDay: 0, now };
    assert.equal(withdrawalReviewReason(base), null);
    assert.equal(
      withdrawalReviewReason({ ...base, lastDepositAt: new Date(now.getTime() - 3_600_000) }),
      'withdrawal_soon_after_deposit',
    );
    assert.equal(withdrawalReviewReason({ ...base, lastDepositAt: new Date(now.getTime() - 25 * 3_600_000) }), null);
    assert.equal(
      withdrawalReviewReason({ ...base, amount: FRAUD_LIMITS.withdrawalReviewOver + 1 }),
      'single_amount_cap',
    );
    assert.equal(
      withdrawalReviewReason({ ...base, withdrawalsLastDay: FRAUD_LIMITS.withdrawalsPerDay }),
      'withdrawal_velocity',
    );
  });
});
