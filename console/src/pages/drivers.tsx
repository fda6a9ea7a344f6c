import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { t } from '../i18n/index.js';
import type { DriverProfile } from './driver-overview.js';

type Pending = Omit<DriverProfile, 'name' | 'phone' | 'createdAt'>;

/** Issue 19.5: the onboarding queue (oldest first: approve, or reject with a reason the driver reads) and a search. */
export function DriversPage() {
  const [pending, setPending] = useState<Pending[] | null>(null);
  const load = () => api<Pending[]>('GET', '/admin/drivers/pending').then(setPending);
  useEffect(() => void load(), []);
  if (!pending) return <p>{t('loading')}</p>;
  return (
    <section data-testid="drivers">
      <h2>{t('pendingDrivers')}</h2>
      <table>
        {pending.map((p) => (
          <PendingRow key={p.userId} profile={p} onDone={load} />
        ))}
      </table>
      {pending.length === 0 && <p class="muted">{t('none')}</p>}
      <DriverSearch />
    </section>
  );
}

function PendingRow({ profile: p, onDone }: { profile: Pending; onDone: () => Promise<unknown> }) {
  const [reason, setReason] = useState('');
  const act = async (action: 'approve' | 'reject') => {
    await api('POST', `/admin/drivers/${p.userId}/${action}`, action === 'reject' ? { reason } : undefined);
    await onDone();
  };
  return (
    <tr data-driver={p.userId}>
      <td>
        <a href={`#/drivers/${p.userId}`}>{p.userId.slice(0, 8)}</a>
      </td>
      <td>{p.vehicleClass}</td>
      <td>
        {p.vehicle.make} {p.vehicle.model} · {p.vehicle.plate} · {p.vehicle.color}
      </td>
      <td>
        <button onClick={() => act('approve')}>{t('approve')}</button>{' '}
        <input
          name="reason"
          placeholder={t('reason')}
          value={reason}
          onInput={(e) => setReason((e.target as HTMLInputElement).value)}
        />{' '}
        <button disabled={reason.trim().length < 3} onClick={() => act('reject')}>
          {t('reject')}
        </button>
      </td>
    </tr>
  );
}

function DriverSearch() {
  const [q, setQ] = useState('');
  const [found, setFound] = useState<DriverProfile[] | null>(null);
  const search = async (e: Event) => {
    e.preventDefault();
    setFound(
      await api<DriverProfile[]>('GET', `/admin/drivers?limit=50${q.trim() ? `&q=${encodeURIComponent(q)}` : ''}`),
    );
  };
  return (
    <>
      <h2>{t('allDrivers')}</h2>
      <form class="toolbar" onSubmit={search}>
        <input
          name="q"
          placeholder={t('searchDrivers')}
          value={q}
          onInput={(e) => setQ((e.target as HTMLInputElement).value)}
        />
        <button type="submit">{t('search')}</button>
      </form>
      {found && (
        <table data-testid="driver-results">
          {found.map((d) => (
            <tr data-driver={d.userId}>
              <td>
                <a href={`#/drivers/${d.userId}`}>{d.name}</a>
              </td>
              <td>{d.phone}</td>
              <td>{d.vehicle.plate}</td>
              <td>{d.suspended ? t('suspended') : d.approved ? t('approved') : t('pending')}</td>
            </tr>
          ))}
        </table>
      )}
    </>
  );
}
