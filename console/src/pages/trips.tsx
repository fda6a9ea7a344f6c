import { useState } from 'preact/hooks';
import { api, ApiError } from '../api.js';
import { t } from '../i18n/index.js';

interface Hit {
  id: string;
  status: string;
  riderId: string;
  driverId: string | null;
  vehicleClass: string;
  createdAt: string;
}

/** `<input type="datetime-local">` gives local wall time; the API takes an instant. */
const instant = (local: string) => (local ? new Date(local).toISOString() : '');

/** Issue 19.4: find trips by id, phone, plate or time window (newest first, "more" follows the cursor). */
export function TripsPage() {
  const [form, setForm] = useState({ q: '', from: '', to: '' });
  const [hits, setHits] = useState<Hit[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState('');
  const run = async (cursor: string | null) => {
    const params = new URLSearchParams({ limit: '20' });
    if (form.q.trim()) params.set('q', form.q.trim());
    if (form.from) params.set('from', instant(form.from));
    if (form.to) params.set('to', instant(form.to));
    if (cursor) params.set('cursor', cursor);
    setError('');
    try {
      const page = await api<Hit[]>('GET', `/admin/trips?${params}`, undefined, (meta) =>
        setNext((meta?.nextCursor as string | null) ?? null),
      );
      setHits((before) => (cursor ? [...(before ?? []), ...page] : page));
    } catch (e) {
      setError(e instanceof ApiError ? e.message : t('error'));
    }
  };
  const field = (name: keyof typeof form) => ({
    name,
    value: form[name],
    onInput: (e: Event) => setForm({ ...form, [name]: (e.target as HTMLInputElement).value }),
  });
  return (
    <section data-testid="trip-search">
      <form
        class="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          void run(null);
        }}
      >
        <input {...field('q')} placeholder={t('searchTrips')} size={40} />
        <label>
          {t('from')} <input type="datetime-local" {...field('from')} />
        </label>
        <label>
          {t('to')} <input type="datetime-local" {...field('to')} />
        </label>
        <button type="submit">{t('search')}</button>
      </form>
      {error && <p class="error">{error}</p>}
      {hits && hits.length === 0 && <p class="muted">{t('noResults')}</p>}
      {hits && hits.length > 0 && (
        <table data-testid="trip-results">
          {hits.map((h) => (
            <tr data-trip={h.id}>
              <td>
                <a href={`#/trips/${h.id}`}>{h.id.slice(0, 8)}</a>
              </td>
              <td>{new Date(h.createdAt).toLocaleString()}</td>
              <td>{h.status}</td>
              <td>{h.vehicleClass}</td>
            </tr>
          ))}
        </table>
      )}
      {next && <button onClick={() => run(next)}>{t('more')}</button>}
    </section>
  );
}
