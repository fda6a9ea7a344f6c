/** Wallet money events (merged into the one event map). */
export {};

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
  }
}
