import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../../api.js';
import { t } from '../../i18n/index.js';

/** What a page shows when a read or an action fails: "no access" for a 403 (the API's word, not the page's). */
export function errorText(err: unknown): string {
  if (err instanceof ApiError) return err.status === 403 ? t('forbidden') : err.message;
  return t('error');
}

/** GETs `path` (null = nothing yet); `reload` reads it again after an action. */
export function useApi<T>(path: string | null) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState('');
  const reload = useCallback(async () => {
    if (path === null) return;
    try {
      setData(await api<T>('GET', path));
      setError('');
    } catch (err) {
      setError(errorText(err));
    }
  }, [path]);
  useEffect(() => void reload(), [reload]);
  return { data, error, reload };
}

/** Runs an action and reports its failure in the page rather than as an unhandled rejection. */
export function useAction(after: () => Promise<void>) {
  const [error, setError] = useState('');
  const run = async (action: () => Promise<unknown>) => {
    try {
      await action();
      setError('');
      await after();
    } catch (err) {
      setError(errorText(err));
    }
  };
  return { error, run };
}

/** Piastres as EGP with two decimals; the API's integers stay integers, this is display only. */
export const egp = (piastres: number) => `${(piastres / 100).toFixed(2)} EGP`;

/** EGP typed by a person → whole piastres (NaN when it is not a number). */
export const toPiastres = (text: string) => Math.round(Number(text) * 100);

export const shortId = (id: string | null) => (id ? id.slice(0, 8) : '—');

export const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : '—');

/** A moment shown in the reader's locale, the exact instant kept in `datetime`. */
export const When = ({ iso }: { iso: string | null }) => (iso ? <time dateTime={iso}>{when(iso)}</time> : <>—</>);

export function Failure({ text }: { text: string }) {
  if (!text) return null;
  return (
    <p class="error" data-testid={text === t('forbidden') ? 'forbidden' : 'error'}>
      {text}
    </p>
  );
}

/** A status select over a list; '' = every status. */
export function StatusFilter(props: { value: string; onChange: (v: string) => void; options: string[] }) {
  return (
    <label class="toolbar">
      {t('status')}{' '}
      <select value={props.value} onChange={(e) => props.onChange((e.target as HTMLSelectElement).value)}>
        <option value="">{t('all')}</option>
        {props.options.map((o) => (
          <option value={o}>{o}</option>
        ))}
      </select>
    </label>
  );
}
