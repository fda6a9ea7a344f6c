import { useEffect, useRef, useState } from 'preact/hooks';
import L from 'leaflet';
import { api } from '../api.js';
import { t } from '../i18n/index.js';
import {
  NoticesTable,
  OffersTable,
  PriceItems,
  statusOf,
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
  chat: Array<{ id: string; from: string; text: string; createdAt: string }>;
}

/** Replay speed: one recorded point per tick. */
const REPLAY_STEP_MS = 200;

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
      <RouteReplay trace={trace} tileUrl={tileUrl} />
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
      <NoticesTable notices={trace.notices} riderId={trace.trip.riderId} />
      <h3>{t('priceItems')}</h3>
      <PriceItems price={trace.price} />
      <h3>{t('chat')}</h3>
      <table data-testid="trace-chat">
        {trace.chat.map((m) => (
          <tr>
            <td>{new Date(m.createdAt).toLocaleTimeString()}</td>
            <td>
              {m.from === trace.trip.riderId
                ? t('rider')
                : m.from === trace.trip.driverId
                  ? t('driverCard')
                  : m.from.slice(0, 8)}
            </td>
            <td>{m.text}</td>
          </tr>
        ))}
      </table>
      {trace.chat.length === 0 && <p class="muted">{t('none')}</p>}
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

function RouteReplay({ trace, tileUrl }: { trace: Trace; tileUrl: string }) {
  const host = useRef<HTMLDivElement>(null);
  const dot = useRef<L.CircleMarker | null>(null);
  const points = trace.route.points;
  const [index, setIndex] = useState(points.length - 1);
  const [playing, setPlaying] = useState(false);
  useEffect(() => {
    if (!playing) return;
    const timer = setInterval(
      () =>
        setIndex((i) => {
          if (i >= points.length - 1) setPlaying(false);
          return Math.min(i + 1, points.length - 1);
        }),
      REPLAY_STEP_MS,
    );
    return () => clearInterval(timer);
  }, [playing]);
  useEffect(() => {
    const map = L.map(host.current!, { preferCanvas: true }).setView(
      [trace.trip.pickup.lat, trace.trip.pickup.lng],
      13,
    );
    if (tileUrl) L.tileLayer(tileUrl, { maxZoom: 19 }).addTo(map);
    L.circleMarker([trace.trip.pickup.lat, trace.trip.pickup.lng], { radius: 6, color: '#16a34a' }).addTo(map);
    L.circleMarker([trace.trip.dropoff.lat, trace.trip.dropoff.lng], { radius: 6, color: '#dc2626' }).addTo(map);
    if (points.length > 0) {
      L.polyline(
        points.map((p) => [p.lat, p.lng] as L.LatLngTuple),
        { color: '#2563eb' },
      ).addTo(map);
      dot.current = L.circleMarker([points.at(-1)!.lat, points.at(-1)!.lng], { radius: 7, color: '#111' }).addTo(map);
      Object.assign(window, { replayDot: dot.current }); // what the browser tests read
    }
    return () => map.remove();
  }, [trace]);
  useEffect(() => {
    const p = points[index];
    if (p) dot.current?.setLatLng([p.lat, p.lng]);
  }, [index]);
  return (
    <div>
      <div class="map small" ref={host} />
      {points.length > 1 && (
        <div class="toolbar replay">
          <button
            data-testid="replay-play"
            onClick={() => {
              if (index >= points.length - 1) setIndex(0);
              setPlaying(!playing);
            }}
          >
            {playing ? t('pause') : t('play')}
          </button>
          <input
            type="range"
            data-testid="replay-slider"
            min={0}
            max={points.length - 1}
            value={index}
            onInput={(e) => setIndex(Number((e.target as HTMLInputElement).value))}
          />
          <span data-testid="replay-at">
            {index + 1}/{points.length} · {new Date(points[index]!.at).toLocaleTimeString()}
          </span>
        </div>
      )}
    </div>
  );
}
