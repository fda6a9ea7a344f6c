/** Service request events (merged into the one event map). */
declare module '../../platform/events/event-map.js' {
  interface DomainEventMap {
    'service_request.requested': {
      requestId: string;
      customerId: string;
      serviceType: string;
      status: string;
      estimateTotal: number;
    };
    /** Seed plan's generic `request_status_changed {requestId, from, to, version, at}`. */
    'service_request.status_changed': {
      requestId: string;
      customerId: string;
      providerId: string | null;
      from: string;
      to: string;
      version: number;
      at: string;
    };
    /** Dispatch offered the request to a provider (a `request:offer`). */
    'service_request.offered': { requestId: string; driverId: string; round: number; expiresAt: string };
    /** The customer approved or declined a quote revision (the provider is told: issue 18 #4 push). */
    'service_request.quote_decided': {
      requestId: string;
      customerId: string;
      providerId: string | null;
      revision: number;
      decision: 'approved' | 'declined';
      total: number;
    };
    /** Another provider won or the search ended: these providers' offers closed. */
    'service_request.offers_withdrawn': { requestId: string; driverIds: string[] };
  }
}

export {};
