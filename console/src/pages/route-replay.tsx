import { useEffect, useRef, useState } from 'preact/hooks';
import L from 'leaflet';
import { t } from '../i18n/index.js';

export interface ReplayPoint {
  lat: number;
  lng: number;
  at: string;
}

/** A fixed place drawn under the replay: a trip's pickup and drop-off, a job's breakdown point. */
export interface ReplayMark {
  lat: number;
  lng: number;
  color: string;
}

/** Replay speed: one recorded point per tick. */
const REPLAY_STEP_MS = 200;
const MAP_ZOOM = 13;
/** Closest the map zooms when fitting a short route (a street's width still shows around it). */
const FIT_MAX_ZOOM = 17;

/** Steps `index` forward while playing; stops on the last point. */
function usePlayback(count: number) {
  const [index, setIndex] = useState(count - 1);
  const [playing, setPlaying] = useState(false);
  useEffect(() => {
    if (!playing) return;
    const timer = setInterval(
      () =>
        setIndex((i) => {
          if (i >= count - 1) setPlaying(false);
          return Math.min(i + 1, count - 1);
        }),
      REPLAY_STEP_MS,
    );
    return () => clearInterval(timer);
  }, [playing, count]);
  const toggle = () => {
    if (index >= count - 1) setIndex(0);
    setPlaying(!playing);
  };
  return { index, setIndex, playing, toggle };
}

/**
 * Issue 19.4 "the route replayed on the map with a slider": a trip's route or a service job provider's trail, with
 * a dot that the slider (or play) moves along the recorded points. Shared by the trip and job trace pages.
 */
export function RouteReplay({
  points,
  marks,
  tileUrl,
}: {
  points: ReplayPoint[];
  marks: ReplayMark[];
  tileUrl: string;
}) {
  const host = useRef<HTMLDivElement>(null);
  const dot = useRef<L.CircleMarker | null>(null);
  const { index, setIndex, playing, toggle } = usePlayback(points.length);
  useEffect(() => {
    const centre = marks[0] ?? points[0];
    const map = L.map(host.current!, { preferCanvas: true }).setView(
      centre ? [centre.lat, centre.lng] : [0, 0],
      MAP_ZOOM,
    );
    if (tileUrl) L.tileLayer(tileUrl, { maxZoom: 19 }).addTo(map);
    for (const m of marks) L.circleMarker([m.lat, m.lng], { radius: 6, color: m.color }).addTo(map);
    if (points.length > 0) {
      L.polyline(
        points.map((p) => [p.lat, p.lng] as L.LatLngTuple),
        { color: '#2563eb' },
      ).addTo(map);
      dot.current = L.circleMarker([points.at(-1)!.lat, points.at(-1)!.lng], { radius: 7, color: '#111' }).addTo(map);
      Object.assign(window, { replayDot: dot.current }); // what the browser tests read
    }
    const places = [...points, ...marks];
    if (places.length > 1) {
      const bounds = L.latLngBounds(places.map((p) => [p.lat, p.lng] as L.LatLngTuple));
      map.fitBounds(bounds, { padding: [24, 24], maxZoom: FIT_MAX_ZOOM });
    }
    return () => map.remove();
    // Points and marks come from one trace response: a new trace is a new `points` array.
  }, [points]);
  useEffect(() => {
    const p = points[index];
    if (p) dot.current?.setLatLng([p.lat, p.lng]);
  }, [index]);
  return (
    <div>
      <div class="map small" ref={host} />
      {points.length > 1 && (
        <div class="toolbar replay">
          <button data-testid="replay-play" onClick={toggle}>
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
