import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, currentSession } from '../api.js';
import { t } from '../i18n/index.js';
import { shortId, When } from './ops/use-api.js';

interface Flag {
  name: string;
  enabled: boolean;
  source: string;
  updatedAt: string | null;
  updatedBy: string | null;
}

/** The admin who changed a flag: "you" when it was the one signed in. */
const who = (id: string | null) =>
  id && id === currentSession()?.user.id ? `${t('you')} (${shortId(id)})` : shortId(id);

/** Issue 19.7: feature flags, each toggle confirmed; who changed it and when. */
export function FlagsPage() {
  const [flags, setFlags] = useState<Flag[] | null>(null);
  const [error, setError] = useState('');
  const load = () =>
    api<Flag[]>('GET', '/admin/flags')
      .then(setFlags)
      .catch((e: ApiError) => setError(e.status === 403 ? t('forbidden') : e.message));
  useEffect(() => void load(), []);
  if (error)
    return (
      <p class="error" data-testid="forbidden">
        {error}
      </p>
    );
  if (!flags) return <p>{t('loading')}</p>;
  const toggle = async (flag: Flag) => {
    const state = flag.enabled ? t('disabled') : t('enabled');
    if (!window.confirm(t('confirmFlag', { name: flag.name, state }))) return;
    await api('PUT', `/admin/flags/${flag.name}`, { enabled: !flag.enabled, reason: 'console' });
    await load();
  };
  return (
    <section data-testid="flags">
      <h2>{t('flags')}</h2>
      <table>
        {flags.map((f) => (
          <tr data-flag={f.name}>
            <td>{f.name}</td>
            <td>{f.enabled ? t('enabled') : t('disabled')}</td>
            <td class="flag-changed">
              {t('updatedBy')}: {who(f.updatedBy)} · <When iso={f.updatedAt} />
            </td>
            <td>
              <button onClick={() => toggle(f)}>{t('toggle')}</button>
            </td>
          </tr>
        ))}
      </table>
    </section>
  );
}
