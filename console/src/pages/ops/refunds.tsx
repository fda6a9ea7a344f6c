import { useState } from 'preact/hooks';
import { api, ApiError } from '../../api.js';
import { t } from '../../i18n/index.js';
import { egp, errorText, Failure, shortId, StatusFilter, toPiastres, useApi, when } from './use-api.js';

interface Refund {
  id: string;
  /** A trip's refund, or a service request's (issue 18 #6): the other id is null. */
  tripId: string | null;
  serviceRequestId: string | null;
  amount: number;
  reason: string;
  destination: 'wallet' | 'card';
  status: 'pending' | 'succeeded' | 'failed';
  failureReason: string | null;
  requestedBy: string;
  createdAt: string;
}

/**
 * Issue 19.7 (finance, support): every trip's (and service request's) refunds, and a refund of a trip with an
 * amount and a reason.
 */
export function RefundsPage() {
  const [status, setStatus] = useState('');
  const list = useApi<Refund[]>(`/admin/refunds?limit=100${status ? `&status=${status}` : ''}`);
  return (
    <section data-testid="refunds">
      <h2>{t('refunds')}</h2>
      <RefundForm onDone={list.reload} />
      <StatusFilter value={status} onChange={setStatus} options={['pending', 'succeeded', 'failed']} />
      <Failure text={list.error} />
      <table>
        {(list.data ?? []).map((r) => (
          <tr data-refund={r.id}>
            <td>{when(r.createdAt)}</td>
            <td>
              {r.tripId ? (
                <a href={`#/trips/${r.tripId}`}>{shortId(r.tripId)}</a>
              ) : (
                <span data-service-request={r.serviceRequestId}>{shortId(r.serviceRequestId ?? '')}</span>
              )}
            </td>
            <td>{egp(r.amount)}</td>
            <td>{r.destination}</td>
            <td class="status">{r.status}</td>
            <td>{r.reason}</td>
            <td>{r.failureReason ?? ''}</td>
          </tr>
        ))}
      </table>
    </section>
  );
}

/** The API's refusals in the person's terms: support's cap (403 `limit`) and what is left of the fare (409). */
function refusal(err: unknown): string {
  if (err instanceof ApiError) {
    const details = (err.details ?? {}) as { limit?: number; remaining?: number };
    if (err.status === 403 && details.limit !== undefined) return t('refundOverLimit', { limit: egp(details.limit) });
    if (err.status === 409 && details.remaining !== undefined)
      return t('refundRemaining', { remaining: egp(details.remaining) });
  }
  return errorText(err);
}

function RefundForm({ onDone }: { onDone: () => Promise<void> }) {
  const [error, setError] = useState('');
  const [done, setDone] = useState('');
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const data = new FormData(form);
    const tripId = String(data.get('tripId')).trim();
    const amount = toPiastres(String(data.get('amount')));
    try {
      await api('POST', `/admin/trips/${tripId}/refunds`, { amount, reason: String(data.get('reason')) });
      setError('');
      setDone(t('refunded', { amount: egp(amount) }));
      form.reset();
      await onDone();
    } catch (err) {
      setDone('');
      setError(refusal(err));
    }
  };
  return (
    <form class="toolbar" data-testid="refund-form" onSubmit={submit}>
      <label>
        {t('tripSearch')} <input name="tripId" pattern="[0-9a-f-]{36}" required />
      </label>
      <label>
        {t('amountEgp')} <input name="amount" type="number" min="0.01" step="0.01" required />
      </label>
      <label>
        {t('reason')} <input name="reason" maxLength={500} required />
      </label>
      <button type="submit">{t('refund')}</button>
      {done && <span data-testid="refund-done">{done}</span>}
      <Failure text={error} />
    </form>
  );
}
