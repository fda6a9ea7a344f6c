/** Wallet money events (merged into the one event map). */

/** What a payment webhook carries: the provider transaction as applied to one of our orders. */
export interface PaymentEventData {
  transactionId: string;
  orderId: string | null;
  /** `card_service`: a card service request's invoice; a tip (`card_tip`) says by its ids what it was for. */
  kind: 'deposit' | 'card_trip' | 'card_service' | 'card_tip';
  /** The trip or service request a card payment or card tip was for (both null for a deposit). */
  tripId: string | null;
  serviceRequestId: string | null;
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
    /** A Kashier payment applied by the Kashier event job (deposit, card trip or service request, card tip). */
    'payment.succeeded': { payment: PaymentEventData };
    'payment.failed': { payment: PaymentEventData };
    /** A trip's or service request's refund as GET /admin/refunds shows it at that moment. */
    'refund.created': { refund: object };
    'refund.succeeded': { refund: object };
    'refund.failed': { refund: object };
  }
}
