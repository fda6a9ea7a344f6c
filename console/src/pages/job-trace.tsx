import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { t } from '../i18n/index.js';
import { clock, OffersTable, statusOf, type TraceOffer } from './trace-parts.js';

interface QuoteRevision {
  revision: number;
  items: Array<{ kind: string; label: string; qty: number; unitAmount: number; amount: number }>;
  total: number;
  status: string;
  createdAt: string;
  decidedAt: string | null;
}

interface JobTrace {
  request: { id: string; status: string; serviceType: string; estimate: { total: number } };
  events: Array<{ type: string; actorId: string | null; createdAt: string; payload: unknown }>;
  offers: TraceOffer[];
  quotes: QuoteRevision[];
  proofs: Array<{ id: string; kind: string; uploadedBy: string; createdAt: string }>;
  transfers: Array<{ id: string; kind: string; phase: string; amount: number }>;
}

const short = (id: string | null) => id?.slice(0, 8) ?? '—';

/** Issue 19.4 "job trace": one service request's events, offers, quote revisions, proof and money. */
export function JobTracePage({ requestId }: { requestId: string }) {
  const [trace, setTrace] = useState<JobTrace | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    setTrace(null);
    api<JobTrace>('GET', `/admin/service-requests/${requestId}/trace`)
      .then(setTrace)
      .catch((e: Error) => setError(e.message));
  }, [requestId]);
  if (error) return <p class="error">{error}</p>;
  if (!trace) return <p>{t('loading')}</p>;
  return (
    <section class="trace" data-testid="job-trace">
      <h2>
        {t('serviceJob')} {short(trace.request.id)} · {trace.request.serviceType} · {trace.request.status}
      </h2>
      <h3>{t('events')}</h3>
      <table data-testid="job-events">
        {trace.events.map((e) => (
          <tr>
            <td>{clock(e.createdAt)}</td>
            <td>
              {e.type}
              {statusOf(e.payload)}
            </td>
            <td>{short(e.actorId)}</td>
          </tr>
        ))}
      </table>
      <h3>{t('offers')}</h3>
      <OffersTable offers={trace.offers} />
      <h3>{t('quoteRevisions')}</h3>
      <QuoteRevisions quotes={trace.quotes} />
      <h3>{t('proofs')}</h3>
      <table data-testid="job-proofs">
        {trace.proofs.map((p) => (
          <tr>
            <td>{clock(p.createdAt)}</td>
            <td>{p.kind}</td>
            <td>{short(p.uploadedBy)}</td>
          </tr>
        ))}
      </table>
      {trace.proofs.length === 0 && <p class="muted">{t('none')}</p>}
      <h3>{t('transfers')}</h3>
      <table data-testid="job-transfers">
        {trace.transfers.map((tr) => (
          <tr>
            <td>{tr.kind}</td>
            <td>{tr.phase}</td>
            <td>{tr.amount}</td>
          </tr>
        ))}
      </table>
    </section>
  );
}

function QuoteRevisions({ quotes }: { quotes: QuoteRevision[] }) {
  if (quotes.length === 0) return <p class="muted">{t('none')}</p>;
  return (
    <table data-testid="job-quotes">
      {quotes.map((q) => (
        <tr data-revision={q.revision}>
          <td>#{q.revision}</td>
          <td>{q.items.map((i) => `${i.label} ×${i.qty} = ${i.amount}`).join(', ')}</td>
          <td>
            {t('total')} {q.total}
          </td>
          <td class="quote-status">{q.status}</td>
          <td>{clock(q.decidedAt)}</td>
        </tr>
      ))}
    </table>
  );
}
