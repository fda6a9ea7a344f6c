import { useEffect, useRef, useState } from 'preact/hooks';
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import { cellToBoundary } from 'h3-js';
import { api } from '../../api.js';
import { t } from '../../i18n/index.js';
import { errorText, Failure } from './use-api.js';

interface SurgeCell {
  h3: string;
  multiplier: number;
}

const CAIRO: L.LatLngTuple = [30.0444, 31.2357];
/** Surge steps of docs/api.md's table, each a deeper red; 1.0 is a faint outline. */
const STEPS: Array<[number, string]> = [
  [3, '#7f1d1d'],
  [1.8, '#b91c1c'],
  [1.5, '#dc2626'],
  [1.3, '#f97316'],
  [1.1, '#facc15'],
];
const colourOf = (m: number) => STEPS.find(([min]) => m >= min)?.[1] ?? '#9ca3af';

/** Issue 19.7 (admin): the H3 surge cells around the map's centre, each drawn with its multiplier. */
export function SurgePage({ tileUrl, attribution }: { tileUrl: string; attribution: string }) {
  const host = useRef<HTMLDivElement>(null);
  // null until the first answer: a count of 0 before it would read as "no cells" to an operator (and a test).
  const [cells, setCells] = useState<SurgeCell[] | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    const map = L.map(host.current!, { preferCanvas: true, renderer: L.canvas() }).setView(CAIRO, 13);
    if (tileUrl) L.tileLayer(tileUrl, { attribution, maxZoom: 19 }).addTo(map);
    const layer = L.layerGroup().addTo(map);
    const load = async () => {
      const { lat, lng } = map.getCenter();
      try {
        const res = await api<{ cells: SurgeCell[] }>('GET', `/pricing/surge-map?lat=${lat}&lng=${lng}`);
        drawCells(layer, res.cells);
        setCells(res.cells);
        setError('');
      } catch (err) {
        setError(errorText(err));
      }
    };
    map.on('moveend', () => void load());
    void load();
    Object.assign(window, { surgeMap: map }); // the browser tests read the map to find a cell's pixel
    return () => map.remove();
  }, [tileUrl, attribution]);
  const surging = cells?.filter((c) => c.multiplier > 1).length ?? 0;
  return (
    <section data-testid="surge">
      <h2>{t('surgeMap')}</h2>
      <p data-testid="surge-cells">{cells ? t('surgeCells', { n: cells.length, surging }) : t('loading')}</p>
      {!tileUrl && <p class="muted">{t('noBasemap')}</p>}
      <Failure text={error} />
      <div class="map" ref={host} />
    </section>
  );
}

function drawCells(layer: L.LayerGroup, cells: SurgeCell[]) {
  layer.clearLayers();
  for (const cell of cells) {
    const colour = colourOf(cell.multiplier);
    L.polygon(cellToBoundary(cell.h3), {
      color: colour,
      weight: 1,
      fillColor: colour,
      fillOpacity: cell.multiplier > 1 ? 0.45 : 0.05,
    })
      .bindTooltip(`×${cell.multiplier.toFixed(1)}`, {
        permanent: cell.multiplier > 1,
        direction: 'center',
        className: `surge-label surge-${cell.h3}`,
      })
      .addTo(layer);
  }
}
