/** Wallet money events (merged into the one event map). */

/** What a payment webhook carries: the provider transaction as applied to one of our orders. */
export interface PaymentEventData {
  transactionId: string;
  orderId: string | null;
  kind: 'deposit' | 'card_trip' | 'card_tip';
  amount: number | null;
  currency: string | null;
  providerStatus: string | null;
  outcome: string;
}

declare module '../../platform/events/event-map.js' {
  interface DomainEventMap {
    'wallet.deposit_paid': { depositId: string; userId: string; amount: number; held: boolean; reason: string | null };
    'wallet.withdrawal_requested': {
      withdrawalId: string;
      driverId: string;
      amount: number;
      status: string;
      reason: string | null;
    };
    'wallet.withdrawal_resolved': {
      withdrawalId: string;
      driverId: string;
      amount: number;
      status: string;
      by: string | null;
    };
    'wallet.payout_resolved': { payoutId: string; driverId: string; amount: number; status: 'paid' | 'failed' };
    /** A Kashier payment applied by the Kashier event job (deposit, card trip or card tip). */
    'payment.succeeded': { payment: PaymentEventData };
    'payment.failed': { payment: PaymentEventData };
    /** A trip refund as GET /admin/trips/{id}/refunds shows it at that moment. */
    'refund.created': { refund: object };
    'refund.succeeded': { refund: object };
    'refund.failed': { refund: object };
  }
}
