import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { t } from '../i18n/index.js';
import { RouteReplay } from './route-replay.js';
import {
  ChatLog,
  NoticesTable,
  OffersTable,
  PriceItems,
  statusOf,
  type TraceChatLine,
  type TraceNotice,
  type TraceOffer,
  type TracePrice,
} from './trace-parts.js';

interface Trace {
  trip: {
    id: string;
    status: string;
    riderId: string;
    driverId: string | null;
    pickup: { lat: number; lng: number };
    dropoff: { lat: number; lng: number };
  };
  events: Array<{ type: string; actorId: string | null; createdAt: string; payload: unknown }>;
  offers: TraceOffer[];
  price: TracePrice;
  notices: TraceNotice[];
  transfers: Array<{ id: string; kind: string; phase: string; amount: number; at: string }>;
  route: { points: Array<{ lat: number; lng: number; at: string }> };
  chat: TraceChatLine[];
}

const PICKUP_COLOUR = '#16a34a';
const DROPOFF_COLOUR = '#dc2626';

/** Issue 19.4: one trip's whole story: events, offers, money, chat, and the route replayed on a map. */
export function TracePage({ tripId, tileUrl }: { tripId: string; tileUrl: string }) {
  const [trace, setTrace] = useState<Trace | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    setTrace(null);
    api<Trace>('GET', `/admin/trips/${tripId}/trace`)
      .then(setTrace)
      .catch((e: Error) => setError(e.message));
  }, [tripId]);
  if (error) return <p class="error">{error}</p>;
  if (!trace) return <p>{t('loading')}</p>;
  return (
    <section class="trace" data-testid="trace">
      <h2>
        {t('trace')} {trace.trip.id.slice(0, 8)} · {trace.trip.status}
      </h2>
      <RouteReplay
        points={trace.route.points}
        marks={[
          { ...trace.trip.pickup, color: PICKUP_COLOUR },
          { ...trace.trip.dropoff, color: DROPOFF_COLOUR },
        ]}
        tileUrl={tileUrl}
      />
      <h3>{t('events')}</h3>
      <table data-testid="trace-events">
        {trace.events.map((e) => (
          <tr>
            <td>{new Date(e.createdAt).toLocaleTimeString()}</td>
            <td>
              {e.type}
              {statusOf(e.payload)}
            </td>
            <td>{e.actorId?.slice(0, 8) ?? '—'}</td>
          </tr>
        ))}
      </table>
      <h3>{t('offers')}</h3>
      <OffersTable offers={trace.offers} />
      <h3>{t('notices')}</h3>
      <NoticesTable
        notices={trace.notices}
        partyOf={(id) => (id === trace.trip.riderId ? t('rider') : t('driverCard'))}
      />
      <h3>{t('priceItems')}</h3>
      <PriceItems price={trace.price} />
      <h3>{t('chat')}</h3>
      <ChatLog
        chat={trace.chat}
        partyOf={(from) =>
          from === trace.trip.riderId ? t('rider') : from === trace.trip.driverId ? t('driverCard') : null
        }
      />
      <h3>{t('transfers')}</h3>
      <table data-testid="trace-transfers">
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
