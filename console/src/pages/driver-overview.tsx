import { useEffect, useState } from 'preact/hooks';
import { api, currentSession } from '../api.js';
import { t } from '../i18n/index.js';

export interface DriverProfile {
  userId: string;
  name: string;
  phone: string;
  vehicleClass: string;
  vehicle: { make: string; model: string; plate: string; color: string };
  approved: boolean;
  suspended: boolean;
  state: string;
  rating: number;
  rejectionReason: string | null;
  createdAt: string;
}

export interface DriverOverview {
  driver: DriverProfile;
  today: {
    day: string;
    tripsCompleted: number;
    earnings: { amount: number; currency: string };
    offersAnswered: number;
    offersAccepted: number;
    acceptance: number | null;
    onlineSeconds: number;
  };
}

interface Flag {
  id: string;
  reason: string;
  status: string;
  suspiciousFixes: number;
  createdAt: string;
}
interface Report {
  id: string;
  category: string;
  text: string;
  status: string;
  createdAt: string;
}

/** Amounts are integer piastres; the console shows pounds. */
export const formatMoney = (m: { amount: number; currency: string }) => `${(m.amount / 100).toFixed(2)} ${m.currency}`;
const hoursMinutes = (s: number) => `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;

/** Issue 19.5: one driver — standing, today's numbers, fraud flags and reports; reject, suspend and lift it. */
export function DriverOverviewPage({ driverId }: { driverId: string }) {
  const [data, setData] = useState<{ o: DriverOverview; flags: Flag[]; reports: Report[] } | null>(null);
  const [error, setError] = useState('');
  const load = () =>
    Promise.all([
      api<DriverOverview>('GET', `/admin/drivers/${driverId}/overview`),
      api<Flag[]>('GET', `/admin/fraud-flags?driverId=${driverId}&limit=50`),
      api<Report[]>('GET', `/admin/reports/users?reportedId=${driverId}&limit=50`),
    ])
      .then(([o, flags, reports]) => setData({ o, flags, reports }))
      .catch((e: Error) => setError(e.message));
  useEffect(() => void load(), [driverId]);
  if (error) return <p class="error">{error}</p>;
  if (!data) return <p>{t('loading')}</p>;
  const { driver: d, today } = data.o;
  return (
    <section data-testid="driver-overview">
      <h2>
        {d.name} · {d.phone}
      </h2>
      <p>
        {d.vehicleClass} · {d.vehicle.make} {d.vehicle.model} · {d.vehicle.plate} · ★ {d.rating.toFixed(2)} ·{' '}
        <span data-testid="standing">
          {d.suspended ? t('suspended') : d.approved ? t('approved') : d.rejectionReason ? t('rejected') : t('pending')}
        </span>
        {d.rejectionReason && ` — ${d.rejectionReason}`}
      </p>
      <DriverActions driver={d} onDone={load} />
      <h3>{t('today')}</h3>
      <dl class="stats" data-testid="driver-today">
        <dt>{t('tripsToday')}</dt>
        <dd>{today.tripsCompleted}</dd>
        <dt>{t('earnings')}</dt>
        <dd>{formatMoney(today.earnings)}</dd>
        <dt>{t('acceptance')}</dt>
        <dd>
          {today.acceptance === null ? '—' : `${Math.round(today.acceptance * 100)}%`} ({today.offersAccepted}/
          {today.offersAnswered})
        </dd>
        <dt>{t('onlineTime')}</dt>
        <dd>{hoursMinutes(today.onlineSeconds)}</dd>
      </dl>
      <h3>{t('fraudFlags')}</h3>
      <table data-testid="driver-flags">
        {data.flags.map((f) => (
          <tr>
            <td>{new Date(f.createdAt).toLocaleString()}</td>
            <td>{f.reason}</td>
            <td>{f.suspiciousFixes}</td>
            <td>{f.status}</td>
          </tr>
        ))}
      </table>
      {data.flags.length === 0 && <p class="muted">{t('none')}</p>}
      <h3>{t('reports')}</h3>
      <table data-testid="driver-reports">
        {data.reports.map((r) => (
          <tr>
            <td>{new Date(r.createdAt).toLocaleString()}</td>
            <td>{r.category}</td>
            <td>{r.text}</td>
            <td>{r.status}</td>
          </tr>
        ))}
      </table>
      {data.reports.length === 0 && <p class="muted">{t('none')}</p>}
    </section>
  );
}

/** Suspension is an admin's call (the API's /admin/users routes); rejecting is the dispatcher's too. */
function DriverActions({ driver, onDone }: { driver: DriverProfile; onDone: () => Promise<unknown> }) {
  const [reason, setReason] = useState('');
  const isAdmin = currentSession()?.user.role === 'admin';
  const act = async (path: string, body?: unknown) => {
    await api('POST', path, body);
    setReason('');
    await onDone();
  };
  return (
    <form class="toolbar" onSubmit={(e) => e.preventDefault()}>
      <input
        name="reason"
        placeholder={t('reason')}
        value={reason}
        onInput={(e) => setReason((e.target as HTMLInputElement).value)}
      />
      {!driver.approved && (
        <button
          disabled={reason.trim().length < 3}
          onClick={() => act(`/admin/drivers/${driver.userId}/reject`, { reason })}
        >
          {t('reject')}
        </button>
      )}
      {isAdmin && !driver.suspended && (
        <button disabled={!reason.trim()} onClick={() => act(`/admin/users/${driver.userId}/suspend`, { reason })}>
          {t('suspend')}
        </button>
      )}
      {isAdmin && driver.suspended && (
        <button onClick={() => act(`/admin/users/${driver.userId}/unsuspend`)}>{t('unsuspend')}</button>
      )}
    </form>
  );
}
