import { useEffect, useRef, useState } from 'preact/hooks';
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import { api } from '../api.js';
import { FleetModel, type Delta, type Snapshot } from '../fleet.js';
import { t } from '../i18n/index.js';
import { consoleSocket, emitAck } from '../socket.js';
import { DriverCard, serviceLabel, type Card } from './driver-card.js';
import { COLOURS, FleetView, SERVICE_LINE_COLOUR, STALE_COLOUR, type FleetFilter } from './fleet-view.js';

const CAIRO: L.LatLngTuple = [30.0444, 31.2357];
/** Stale markers are re-greyed this often (ages move even when positions do not). */
const RESTYLE_MS = 5_000;

/**
 * Issue 19.3: every online driver coloured by state, stale ones greyed, trips' pickup→driver and service jobs'
 * breakdown→provider lines, SOS pulsing; filtered by vehicle class and by approved service.
 */
export function MapPage({ tileUrl, attribution }: { tileUrl: string; attribution: string }) {
  const host = useRef<HTMLDivElement>(null);
  const [count, setCount] = useState(0);
  const [card, setCard] = useState<Card | null>(null);
  const [chosen, setChosen] = useState<FleetFilter>({ vehicleClass: '', service: '' });
  const [options, setOptions] = useState<{ classes: string[]; services: string[] }>({ classes: [], services: [] });
  const filter = useRef(chosen);
  filter.current = chosen;
  const redrawNow = useRef<() => void>(() => undefined);
  useEffect(() => redrawNow.current(), [chosen]); // a filter applies at once, not at the next tick

  useEffect(() => {
    const map = L.map(host.current!, { preferCanvas: true, renderer: L.canvas() }).setView(CAIRO, 12);
    if (tileUrl) L.tileLayer(tileUrl, { attribution, maxZoom: 19 }).addTo(map);
    const model = new FleetModel();
    const view = new FleetView(map, (key, job) => setCard({ key, job, model }));
    const socket = consoleSocket();
    // Answers that arrive after the page was left (a snapshot, the open alerts) must not draw on the removed map:
    // Leaflet throws when a layer is added to a map whose panes are gone.
    let live = true;
    const redraw = () => {
      if (!live) return;
      view.sync(model, filter.current);
      setCount(view.visible);
      setOptions({ classes: [...model.classes], services: [...model.services] });
    };
    redrawNow.current = redraw;
    const watch = async () => {
      const snapshot = await emitAck<Snapshot>('fleet:watch', {});
      if (!live) return;
      model.load(snapshot);
      redraw();
    };
    const onDelta = (d: Delta) => {
      if (!model.apply(d)) return void watch(); // missed a delta: start again from a snapshot
      redraw();
    };
    socket.on('fleet:delta', onDelta);
    socket.on('connect', watch);
    if (socket.connected) void watch();
    const sos = new SosLayer(map);
    void sos.load();
    socket.on('sos:alert', sos.onAlert);
    socket.on('sos:location', sos.onLocation);
    socket.on('sos:resolved', sos.onResolved);
    const restyle = setInterval(redraw, RESTYLE_MS);
    // What the browser tests read: the model, and the map to find a marker's pixel.
    Object.assign(window, { fleetModel: model, fleetMap: map });
    return () => {
      live = false;
      sos.close();
      clearInterval(restyle);
      socket.off('fleet:delta', onDelta);
      socket.off('connect', watch);
      socket.off('sos:alert', sos.onAlert);
      socket.off('sos:location', sos.onLocation);
      socket.off('sos:resolved', sos.onResolved);
      void emitAck('fleet:unwatch', {}).catch(() => null);
      map.remove();
    };
  }, [tileUrl]);

  return (
    <section class="map-page">
      <div class="toolbar">
        <label>
          {t('filterClass')}{' '}
          <select
            name="vehicleClass"
            value={chosen.vehicleClass}
            onChange={(e) => setChosen({ ...chosen, vehicleClass: (e.target as HTMLSelectElement).value })}
          >
            <option value="">{t('all')}</option>
            {options.classes.map((c) => (
              <option value={c}>{c}</option>
            ))}
          </select>
        </label>
        <label>
          {t('filterService')}{' '}
          <select
            name="service"
            value={chosen.service}
            onChange={(e) => setChosen({ ...chosen, service: (e.target as HTMLSelectElement).value })}
          >
            <option value="">{t('all')}</option>
            {options.services.map((s) => (
              <option value={s}>{serviceLabel(s)}</option>
            ))}
          </select>
        </label>
        <span data-testid="driver-count">{t('driversShown', { n: count })}</span>
        <Legend />
        {!tileUrl && <span class="muted">{t('noBasemap')}</span>}
      </div>
      <div class="map" ref={host} data-testid="map" />
      {card && <DriverCard card={card} onClose={() => setCard(null)} />}
    </section>
  );
}

function Legend() {
  const items: Array<[string, string]> = [
    [COLOURS.a, t('available')],
    [COLOURS.o, t('offered')],
    [COLOURS.t, t('onTrip')],
    [COLOURS.b, t('busy')],
    [STALE_COLOUR, t('stale')],
    [SERVICE_LINE_COLOUR, t('serviceJobLine')],
  ];
  return (
    <span class="legend">
      {items.map(([colour, label]) => (
        <span class="legend-item">
          <span class={`dot dot-${colour.slice(1)}`} />
          {label}
        </span>
      ))}
    </span>
  );
}

interface SosAlert {
  alertId?: string;
  id?: string;
  lat: number;
  lng: number;
  status?: string;
}

/** Open SOS alerts as pulsing red rings; live locations move them, a resolve removes them. */
class SosLayer {
  private readonly rings = new Map<string, L.CircleMarker>();
  private readonly svg = L.svg();
  private closed = false;
  constructor(private readonly map: L.Map) {}

  /** The page is gone: alerts still in flight are not drawn. */
  close() {
    this.closed = true;
  }

  async load() {
    const open = await api<SosAlert[]>('GET', '/admin/sos?status=open&limit=100').catch(() => []);
    for (const a of open) this.place(a.id ?? a.alertId ?? '', a.lat, a.lng);
  }

  onAlert = (a: SosAlert) => this.place(a.alertId ?? '', a.lat, a.lng);
  onLocation = (a: SosAlert) => this.rings.get(a.alertId ?? '')?.setLatLng([a.lat, a.lng]);
  onResolved = (a: { alertId: string }) => {
    this.rings.get(a.alertId)?.remove();
    this.rings.delete(a.alertId);
  };

  private place(id: string, lat: number, lng: number) {
    if (this.closed || !id || this.rings.has(id)) return;
    // SVG, not the canvas: a CSS animation can pulse an SVG path.
    const ring = L.circleMarker([lat, lng], {
      radius: 12,
      color: '#dc2626',
      weight: 3,
      className: 'sos-pulse',
      renderer: this.svg,
    });
    this.rings.set(id, ring.addTo(this.map));
  }
}
