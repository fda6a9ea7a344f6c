import { useEffect, useState } from 'preact/hooks';
import { api, apiObjectUrl } from '../api.js';
import { t } from '../i18n/index.js';
import { RouteReplay, type ReplayPoint } from './route-replay.js';
import {
  ChatLog,
  clock,
  NoticesTable,
  OffersTable,
  statusOf,
  type TraceChatLine,
  type TraceNotice,
  type TraceOffer,
} from './trace-parts.js';

interface QuoteRevision {
  revision: number;
  items: Array<{ kind: string; label: string; qty: number; unitAmount: number; amount: number }>;
  total: number;
  status: string;
  createdAt: string;
  decidedAt: string | null;
}

interface JobTrace {
  request: {
    id: string;
    status: string;
    serviceType: string;
    customerId: string;
    providerId: string | null;
    point: { lat: number; lng: number };
    estimate: { total: number };
  };
  events: Array<{ type: string; actorId: string | null; createdAt: string; payload: unknown }>;
  offers: TraceOffer[];
  quotes: QuoteRevision[];
  proofs: Array<{ id: string; kind: string; uploadedBy: string; createdAt: string; thumbnailUrl: string }>;
  notices: TraceNotice[];
  transfers: Array<{ id: string; kind: string; phase: string; amount: number }>;
  route: { points: ReplayPoint[] };
  chat: TraceChatLine[];
}

const BREAKDOWN_COLOUR = '#dc2626';

const short = (id: string | null) => id?.slice(0, 8) ?? '—';

/**
 * Issue 19.4 "job trace": one service request's events, offers and their pushes, the provider's route replayed,
 * quote revisions, proof images, notices with their delivery, chat and money.
 */
export function JobTracePage({ requestId, tileUrl }: { requestId: string; tileUrl: string }) {
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
      <h3>{t('providerTrail')}</h3>
      <RouteReplay
        points={trace.route.points}
        marks={[{ ...trace.request.point, color: BREAKDOWN_COLOUR }]}
        tileUrl={tileUrl}
      />
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
            <td>
              <ProofThumbnail path={p.thumbnailUrl} />
            </td>
          </tr>
        ))}
      </table>
      {trace.proofs.length === 0 && <p class="muted">{t('none')}</p>}
      <h3>{t('notices')}</h3>
      <NoticesTable
        notices={trace.notices}
        partyOf={(id) => (id === trace.request.customerId ? t('customer') : t('provider'))}
      />
      <h3>{t('chat')}</h3>
      <ChatLog
        chat={trace.chat}
        partyOf={(from) =>
          from === trace.request.customerId ? t('customer') : from === trace.request.providerId ? t('provider') : null
        }
      />
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

/** The image needs the staff bearer token: fetched as bytes and shown through an object URL, released on unmount. */
function ProofThumbnail({ path }: { path: string }) {
  const [src, setSrc] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let url: string | null = null;
    let live = true;
    apiObjectUrl(path)
      .then((u) => {
        url = u;
        if (live) setSrc(u);
        else URL.revokeObjectURL(u);
      })
      .catch(() => live && setFailed(true));
    return () => {
      live = false;
      if (url) URL.revokeObjectURL(url);
    };
  }, [path]);
  if (failed) return <span class="muted">—</span>;
  return src ? <img class="proof-thumb" data-testid="proof-image" src={src} alt={t('proofImage')} /> : null;
}
