import L from 'leaflet';
import type { FleetMarker, FleetModel, FleetTrip } from '../fleet.js';
import { t } from '../i18n/index.js';

export const COLOURS = { a: '#16a34a', o: '#f59e0b', t: '#2563eb', b: '#7c3aed' } as const;
export const STALE_COLOUR = '#9ca3af';
/** A service job's line to the breakdown, told apart from a trip's line to its pickup. */
export const SERVICE_LINE_COLOUR = '#ea580c';
/** Issue 19: a position older than this is greyed with its age (the server's FLEET_STALE_MS). */
const STALE_S = 60;
/** Past this many stale markers their age labels are left out (the card still shows it): labels are DOM, not canvas. */
const STALE_LABELS_MAX = 200;

/** What the dispatcher narrowed the map to; '' = all. */
export interface FleetFilter {
  vehicleClass: string;
  service: string;
}

export const matches = (m: FleetMarker, f: FleetFilter) =>
  (!f.vehicleClass || m.vehicleClass === f.vehicleClass) && (!f.service || m.services.includes(f.service));

/** The job a picked marker holds, for its card. */
export type PickedJob = Pick<FleetTrip, 'id' | 'kind'> | null;

/**
 * Leaflet canvas layers kept in step with the model: one circle per driver, one line per trip or service job.
 * Markers the filter hides leave the map (they cannot be clicked), and so do their lines.
 */
export class FleetView {
  private readonly circles = new Map<number, L.CircleMarker>();
  private readonly lines = new Map<string, L.Polyline>();
  private jobOfDriver = new Map<number, FleetTrip>();
  private shown = new Set<number>();
  visible = 0;
  private labels = 0;

  constructor(
    private readonly map: L.Map,
    private readonly onPick: (key: number, job: PickedJob) => void,
  ) {}

  sync(model: FleetModel, filter: FleetFilter): void {
    const now = Date.now() / 1000;
    this.labels = 0;
    this.shown = new Set();
    for (const [key, circle] of this.circles)
      if (!model.markers.has(key)) {
        circle.remove();
        this.circles.delete(key);
      }
    for (const m of model.markers.values()) {
      const shown = matches(m, filter);
      if (shown) this.shown.add(m.key);
      this.draw(m, shown, now);
    }
    this.visible = this.shown.size;
    this.drawJobs(model);
  }

  private draw(m: FleetMarker, shown: boolean, now: number) {
    let circle = this.circles.get(m.key);
    if (!shown) {
      circle?.remove();
      return;
    }
    const age = Math.max(0, Math.round(now - m.at));
    const stale = age > STALE_S;
    const colour = stale ? STALE_COLOUR : COLOURS[m.state];
    if (!circle) {
      circle = L.circleMarker([m.lat, m.lng], { radius: 5, weight: 1, fillOpacity: 0.9 });
      circle.on('click', () => this.onPick(m.key, this.jobOfDriver.get(m.key) ?? null));
      this.circles.set(m.key, circle);
    } else circle.setLatLng([m.lat, m.lng]);
    circle.setStyle({ color: colour, fillColor: colour });
    if (!this.map.hasLayer(circle)) circle.addTo(this.map);
    this.label(circle, stale ? age : null);
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

  /** Trips: a line from the driver to the pickup; service jobs: from the provider to the breakdown. */
  private drawJobs(model: FleetModel) {
    this.jobOfDriver = new Map();
    for (const [id, line] of this.lines)
      if (!model.trips.has(id)) {
        line.remove();
        this.lines.delete(id);
      }
    for (const job of model.trips.values()) {
      const driver = model.markers.get(job.driverKey);
      if (driver) this.jobOfDriver.set(job.driverKey, job);
      const line = this.lines.get(job.id);
      if (!driver || !this.shown.has(job.driverKey)) {
        line?.remove();
        continue;
      }
      const points: L.LatLngTuple[] = [
        [job.pickup.lat, job.pickup.lng],
        [driver.lat, driver.lng],
      ];
      const colour = job.kind === 'service_request' ? SERVICE_LINE_COLOUR : COLOURS.t;
      if (line) line.setLatLngs(points);
      else this.lines.set(job.id, L.polyline(points, { color: colour, weight: 2, dashArray: '4 4' }));
      const drawn = this.lines.get(job.id)!;
      if (!this.map.hasLayer(drawn)) drawn.addTo(this.map);
    }
  }
}
