import { useEffect, useRef, useState } from 'preact/hooks';
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import { api } from '../api.js';
import { FleetModel, type Delta, type FleetMarker, type Snapshot } from '../fleet.js';
import { t } from '../i18n/index.js';
import { consoleSocket, emitAck } from '../socket.js';
import { DriverCard, type Card } from './driver-card.js';

const CAIRO: L.LatLngTuple = [30.0444, 31.2357];
const COLOURS = { a: '#16a34a', o: '#f59e0b', t: '#2563eb', b: '#7c3aed' } as const;
const STALE_COLOUR = '#9ca3af';
/** Issue 19: a position older than this is greyed with its age (the server's FLEET_STALE_MS). */
const STALE_S = 60;
/** Stale markers are re-greyed this often (ages move even when positions do not). */
const RESTYLE_MS = 5_000;

/** Past this many stale markers their age labels are left out (the card still shows it): labels are DOM, not canvas. */
const STALE_LABELS_MAX = 200;

/** Issue 19.3: every online driver coloured by state, stale ones greyed, trips' pickup→driver lines, SOS pulsing. */
export function MapPage({ tileUrl, attribution }: { tileUrl: string; attribution: string }) {
  const host = useRef<HTMLDivElement>(null);
  const [count, setCount] = useState(0);
  const [card, setCard] = useState<Card | null>(null);
  const [vehicleClass, setVehicleClass] = useState('');
  const [classes, setClasses] = useState<string[]>([]);
  const filter = useRef('');
  filter.current = vehicleClass;
  const redrawNow = useRef<() => void>(() => undefined);
  useEffect(() => redrawNow.current(), [vehicleClass]); // a filter applies at once, not at the next tick

  useEffect(() => {
    const map = L.map(host.current!, { preferCanvas: true, renderer: L.canvas() }).setView(CAIRO, 12);
    if (tileUrl) L.tileLayer(tileUrl, { attribution, maxZoom: 19 }).addTo(map);
    const model = new FleetModel();
    const view = new FleetView(map, (key, tripId) => setCard({ key, tripId, model }));
    const socket = consoleSocket();
    const redraw = () => {
      view.sync(model, filter.current);
      setCount(view.visible);
      setClasses([...model.classes]);
    };
    redrawNow.current = redraw;
    const watch = async () => {
      model.load(await emitAck<Snapshot>('fleet:watch', {}));
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
          <select value={vehicleClass} onChange={(e) => setVehicleClass((e.target as HTMLSelectElement).value)}>
            <option value="">{t('all')}</option>
            {classes.map((c) => (
              <option value={c}>{c}</option>
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

/** Leaflet canvas layers kept in step with the model: one circle per driver, one line per trip. */
class FleetView {
  private readonly circles = new Map<number, L.CircleMarker>();
  private readonly lines = new Map<string, L.Polyline>();
  private tripOfDriver = new Map<number, string>();
  visible = 0;
  private labels = 0;

  constructor(
    private readonly map: L.Map,
    private readonly onPick: (key: number, tripId: string | null) => void,
  ) {}

  sync(model: FleetModel, vehicleClass: string): void {
    const now = Date.now() / 1000;
    this.visible = 0;
    this.labels = 0;
    for (const [key, circle] of this.circles)
      if (!model.markers.has(key)) {
        circle.remove();
        this.circles.delete(key);
      }
    for (const m of model.markers.values()) {
      const shown = !vehicleClass || m.vehicleClass === vehicleClass;
      if (shown) this.visible++;
      this.draw(m, shown, now);
    }
    this.drawTrips(model);
  }

  private draw(m: FleetMarker, shown: boolean, now: number) {
    let circle = this.circles.get(m.key);
    const age = Math.max(0, Math.round(now - m.at));
    const stale = age > STALE_S;
    const colour = stale ? STALE_COLOUR : COLOURS[m.state];
    if (!circle) {
      circle = L.circleMarker([m.lat, m.lng], { radius: 5, weight: 1, fillOpacity: 0.9 });
      circle.on('click', () => this.onPick(m.key, this.tripOfDriver.get(m.key) ?? null));
      this.circles.set(m.key, circle);
    } else circle.setLatLng([m.lat, m.lng]);
    circle.setStyle({ color: colour, fillColor: colour, opacity: shown ? 1 : 0, fillOpacity: shown ? 0.9 : 0 });
    if (!this.map.hasLayer(circle)) circle.addTo(this.map);
    this.label(circle, stale && shown ? age : null);
  }

  /** A stale marker says how old it is, so a grey dot is never read as a current position. */
  private label(circle: L.CircleMarker, age: number | null) {
    if (age === null || this.labels >= STALE_LABELS_MAX) {
      if (circle.getTooltip()) circle.unbindTooltip();
      return;
    }
    this.labels++;
    const text = t('ageSeconds', { n: age });
    const tip = circle.getTooltip();
    if (tip) tip.setContent(text);
    else circle.bindTooltip(text, { permanent: true, direction: 'right', className: 'stale-age', offset: [6, 0] });
  }

  private drawTrips(model: FleetModel) {
    this.tripOfDriver = new Map();
    for (const [id, line] of this.lines)
      if (!model.trips.has(id)) {
        line.remove();
        this.lines.delete(id);
      }
    for (const trip of model.trips.values()) {
      const driver = model.markers.get(trip.driverKey);
      if (!driver) continue;
      this.tripOfDriver.set(trip.driverKey, trip.id);
      const points: L.LatLngTuple[] = [
        [trip.pickup.lat, trip.pickup.lng],
        [driver.lat, driver.lng],
      ];
      const line = this.lines.get(trip.id);
      if (line) line.setLatLngs(points);
      else
        this.lines.set(trip.id, L.polyline(points, { color: COLOURS.t, weight: 2, dashArray: '4 4' }).addTo(this.map));
    }
  }
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
  constructor(private readonly map: L.Map) {}

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
    if (!id || this.rings.has(id)) return;
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
