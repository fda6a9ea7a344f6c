import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import type { FleetModel } from '../fleet.js';
import { t } from '../i18n/index.js';
import type { Strings } from '../i18n/en.js';
import { formatMoney, type DriverOverview } from './driver-overview.js';
import type { PickedJob } from './fleet-view.js';

export interface Card {
  key: number;
  job: PickedJob;
  model: FleetModel;
}

const SERVICE_LABELS: Record<string, keyof Strings> = {
  tow: 'serviceTow',
  battery: 'serviceBattery',
  tyre: 'serviceTyre',
  fuel: 'serviceFuel',
  lockout: 'serviceLockout',
  mechanic: 'serviceMechanic',
};

/** A service type in the page's language (an unknown one as the server named it). */
export const serviceLabel = (type: string) => (SERVICE_LABELS[type] ? t(SERVICE_LABELS[type]) : type);

/** A trip links to its trace, a service job to its job trace. */
function CurrentJob({ job }: { job: PickedJob }) {
  if (!job) return <>{t('none')}</>;
  if (job.kind === 'service_request')
    return <a href={`#/jobs/${job.id}`}>{`${t('serviceJob')} ${job.id.slice(0, 8)}`}</a>;
  return <a href={`#/trips/${job.id}`}>{job.id.slice(0, 8)}</a>;
}

const STALE_S = 60;

/** Issue 19.3: click a marker → who it is (name, rating, vehicle), how old its fix is, and its current trip. */
export function DriverCard({ card, onClose }: { card: Card; onClose: () => void }) {
  const marker = card.model.markers.get(card.key);
  const [overview, setOverview] = useState<DriverOverview | null>(null);
  const [, tick] = useState(0);
  useEffect(() => {
    setOverview(null);
    if (marker) void api<DriverOverview>('GET', `/admin/drivers/${marker.driverId}/overview`).then(setOverview);
    const timer = setInterval(() => tick((n) => n + 1), 1_000); // the fix's age keeps counting
    return () => clearInterval(timer);
  }, [card.key]);
  if (!marker) return null;
  const age = Math.max(0, Math.round(Date.now() / 1000 - marker.at));
  const d = overview?.driver;
  return (
    <aside class="card" data-testid="driver-card">
      <button class="close" onClick={onClose}>
        ×
      </button>
      <h3 data-testid="card-name">{d?.name ?? marker.driverId.slice(0, 8)}</h3>
      <dl>
        <dt>{t('rating')}</dt>
        <dd data-testid="card-rating">{d ? d.rating.toFixed(2) : '…'}</dd>
        <dt>{t('vehicle')}</dt>
        <dd data-testid="card-vehicle">
          {d ? `${d.vehicle.make} ${d.vehicle.model} · ${d.vehicle.plate} · ${d.vehicle.color}` : ''} (
          {marker.vehicleClass})
        </dd>
        <dt>{t('lastFix')}</dt>
        <dd data-testid="card-age" class={age > STALE_S ? 'stale-text' : ''}>
          {t('ageSeconds', { n: age })}
          {age > STALE_S ? ` · ${t('stale')}` : ''}
        </dd>
        {marker.services.length > 0 && (
          <>
            <dt>{t('services')}</dt>
            <dd data-testid="card-services">{marker.services.map(serviceLabel).join(', ')}</dd>
          </>
        )}
        <dt>{t('currentTrip')}</dt>
        <dd data-testid="card-trip">
          <CurrentJob job={card.job} />
        </dd>
        {overview && (
          <>
            <dt>{t('today')}</dt>
            <dd>
              {t('tripsToday')}: {overview.today.tripsCompleted} · {formatMoney(overview.today.earnings)}
            </dd>
          </>
        )}
      </dl>
      {d && <a href={`#/drivers/${d.userId}`}>{t('details')}</a>}
    </aside>
  );
}
