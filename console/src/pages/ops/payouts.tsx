import { useState } from 'preact/hooks';
import { api } from '../../api.js';
import { t } from '../../i18n/index.js';
import { egp, Failure, shortId, StatusFilter, useAction, useApi, when } from './use-api.js';

interface Withdrawal {
  id: string;
  driverId: string;
  amount: number;
  status: 'pending' | 'review' | 'approved' | 'rejected' | 'expired';
  reviewReason: string | null;
  createdAt: string;
}

interface Payout {
  id: string;
  driverId: string;
  amount: number;
  status: 'pending' | 'paid' | 'failed';
  method: { type: 'bank' | 'mobile_wallet'; iban: string | null; holderName: string | null; phone: string | null };
  transferReference: string;
  bankReference: string | null;
  failureReason: string | null;
  createdAt: string;
}

/** Issue 19.7 (finance): withdrawals to approve or reject, then the payouts they became, marked paid or failed. */
export function PayoutsPage() {
  return (
    <section data-testid="payouts-page">
      <Withdrawals />
      <Payouts />
    </section>
  );
}

function Withdrawals() {
  const [status, setStatus] = useState('');
  const list = useApi<Withdrawal[]>(`/admin/withdrawals?limit=100${status ? `&status=${status}` : ''}`);
  const action = useAction(list.reload);
  const decide = (w: Withdrawal, decision: 'approve' | 'reject') =>
    action.run(() => api('POST', `/admin/withdrawals/${w.id}/${decision}`, {}));
  return (
    <div data-testid="withdrawals">
      <h2>{t('withdrawals')}</h2>
      <StatusFilter value={status} onChange={setStatus} options={['pending', 'review', 'approved', 'rejected']} />
      <Failure text={list.error || action.error} />
      <table>
        {(list.data ?? []).map((w) => (
          <tr data-withdrawal={w.id}>
            <td>{when(w.createdAt)}</td>
            <td>{shortId(w.driverId)}</td>
            <td>{egp(w.amount)}</td>
            <td class="status">{w.status}</td>
            <td>{w.reviewReason ?? ''}</td>
            <td>
              {(w.status === 'pending' || w.status === 'review') && (
                <>
                  <button onClick={() => decide(w, 'approve')}>{t('approve')}</button>
                  <button onClick={() => decide(w, 'reject')}>{t('reject')}</button>
                </>
              )}
            </td>
          </tr>
        ))}
      </table>
    </div>
  );
}

function Payouts() {
  const [status, setStatus] = useState('');
  const list = useApi<Payout[]>(`/admin/payouts?limit=100${status ? `&status=${status}` : ''}`);
  const action = useAction(list.reload);
  return (
    <div data-testid="payouts">
      <h2>{t('payouts')}</h2>
      <StatusFilter value={status} onChange={setStatus} options={['pending', 'paid', 'failed']} />
      <Failure text={list.error || action.error} />
      <table>
        {(list.data ?? []).map((p) => (
          <PayoutRow payout={p} run={action.run} />
        ))}
      </table>
    </div>
  );
}

/** A pending payout takes the bank's reference (paid) or the reason it bounced (failed) from the same box. */
function PayoutRow({ payout: p, run }: { payout: Payout; run: (a: () => Promise<unknown>) => Promise<void> }) {
  const [text, setText] = useState('');
  const mark = (outcome: 'paid' | 'failed') =>
    run(() =>
      api('POST', `/admin/payouts/${p.id}/${outcome}`, outcome === 'paid' ? { reference: text } : { reason: text }),
    );
  return (
    <tr data-payout={p.id}>
      <td>{when(p.createdAt)}</td>
      <td>{shortId(p.driverId)}</td>
      <td>{egp(p.amount)}</td>
      <td>{p.method.type === 'bank' ? `${p.method.holderName ?? ''} ${p.method.iban ?? ''}` : p.method.phone}</td>
      <td>{p.transferReference}</td>
      <td class="status">{p.status}</td>
      <td>{p.bankReference ?? p.failureReason ?? ''}</td>
      <td>
        {p.status === 'pending' && (
          <>
            <input
              name="outcome"
              placeholder={t('referenceOrReason')}
              value={text}
              onInput={(e) => setText((e.target as HTMLInputElement).value)}
            />
            <button disabled={!text.trim()} onClick={() => mark('paid')}>
              {t('markPaid')}
            </button>
            <button disabled={!text.trim()} onClick={() => mark('failed')}>
              {t('markFailed')}
            </button>
          </>
        )}
      </td>
    </tr>
  );
}
