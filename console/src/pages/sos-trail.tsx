import { useEffect, useRef } from 'preact/hooks';
import L from 'leaflet';
import { api } from '../api.js';
import { t } from '../i18n/index.js';
import { consoleSocket } from '../socket.js';
import type { Alert } from './sos.js';

interface Point {
  lat: number;
  lng: number;
  at: string;
}

/** The alert's live location trail: the stored points, then every `sos:location` the tracking job sends. */
export function SosTrail({ alert, tileUrl }: { alert: Alert; tileUrl: string }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const map = L.map(host.current!).setView([alert.lat, alert.lng], 15);
    if (tileUrl) L.tileLayer(tileUrl, { maxZoom: 19 }).addTo(map);
    const line = L.polyline([], { color: '#dc2626', weight: 3 }).addTo(map);
    const here = L.circleMarker([alert.lat, alert.lng], { radius: 9, color: '#dc2626', className: 'sos-pulse' }).addTo(
      map,
    );
    let last = '';
    // The tracking job repeats the last known position while no fresh one comes: a point is drawn once.
    const add = (p: Point) => {
      if (p.at <= last) return;
      last = p.at;
      line.addLatLng([p.lat, p.lng]);
      here.setLatLng([p.lat, p.lng]);
      host.current?.setAttribute('data-points', String(line.getLatLngs().length));
    };
    void api<Point[]>('GET', `/admin/sos/${alert.id}/trail`).then((points) => {
      for (const p of points) add(p);
      if (points.length > 1) map.fitBounds(line.getBounds(), { maxZoom: 17, padding: [20, 20] });
    });
    const socket = consoleSocket();
    const onLocation = (p: Point & { alertId: string }) => {
      if (p.alertId === alert.id) add(p);
    };
    socket.on('sos:location', onLocation);
    return () => {
      socket.off('sos:location', onLocation);
      map.remove();
    };
  }, [alert.id, tileUrl]);
  return (
    <div>
      <h3>{t('trail')}</h3>
      <div class="map small" ref={host} data-testid="sos-trail" />
    </div>
  );
}
