import { postToProvider, trimSlash } from '../../platform/providers/http-client.js';
import { PermanentProviderError, withBreaker } from '../../platform/providers/index.js';
import { formatMajor } from './kashier.js';

/** The breaker every call to Kashier's server API goes through (one per provider). */
export const KASHIER_BREAKER = 'kashier';

export interface KashierApiSettings {
  baseUrl: string;
  /** The merchant's current API key, sent as the Authorization header. */
  apiKey: string;
  timeoutMs: number;
}

export interface CardRefundRequest {
  /** Kashier's id of the paid order (the webhook's `orderId`). */
  providerOrderId: string;
  amount: number;
  reason: string;
  /** Our refund id: sent so a retried call can be matched to the first on Kashier's side. */
  refundId: string;
}

/**
 * Kashier's refund operation: `PUT /orders/{orderId}/?operation=refund` with
 * `{apiOperation: "REFUND", reason, transaction: {amount}}`. A 2xx whose body
 * does not say SUCCESS is a refusal (permanent); network errors, 5xx and 429
 * are transient and count against the breaker.
 */
export async function refundCardPayment(
  settings: KashierApiSettings,
  req: CardRefundRequest,
): Promise<{ providerRefundId: string }> {
  return withBreaker(
    KASHIER_BREAKER,
    async (signal) => {
      const body = await postToProvider({
        provider: KASHIER_BREAKER,
        method: 'PUT',
        url: `${trimSlash(settings.baseUrl)}/orders/${encodeURIComponent(req.providerOrderId)}/?operation=refund`,
        headers: { 'content-type': 'application/json', authorization: settings.apiKey },
        body: JSON.stringify({
          apiOperation: 'REFUND',
          reason: req.reason,
          merchantRefundId: req.refundId,
          transaction: { amount: formatMajor(req.amount) },
        }),
        signal,
      });
      const response = (body.response ?? {}) as Record<string, unknown>;
      if (body.status !== 'SUCCESS' || response.status !== 'SUCCESS')
        throw new PermanentProviderError(KASHIER_BREAKER, `refund refused: ${JSON.stringify(body).slice(0, 200)}`);
      const id = typeof response.transactionId === 'string' ? response.transactionId : req.refundId;
      return { providerRefundId: id };
    },
    { timeoutMs: settings.timeoutMs },
  );
}
