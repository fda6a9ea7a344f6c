import { useState } from 'preact/hooks';
import { api } from '../../api.js';
import { t } from '../../i18n/index.js';
import { Failure, shortId, useAction, useApi, when } from './use-api.js';

interface ApiKey {
  id: string;
  name: string;
  scopes: string[];
  prefix: string;
  createdBy: string | null;
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

/** The API's scopes (API_SCOPES in src/platform/http/route-config.ts; the API refuses any other). */
const SCOPES = ['pricing:read', 'trips:read', 'webhooks:manage'];

/** Issue 19.7 (admin): integrators' keys; a new key's secret shows once, here, and never again. */
export function ApiKeysPage() {
  const list = useApi<ApiKey[]>('/admin/api-keys?limit=100');
  const action = useAction(list.reload);
  const revoke = (k: ApiKey) =>
    window.confirm(t('confirmRevoke', { name: k.name })) && action.run(() => api('DELETE', `/admin/api-keys/${k.id}`));
  return (
    <section data-testid="api-keys">
      <h2>{t('apiKeys')}</h2>
      <NewKey onCreated={list.reload} />
      <Failure text={list.error || action.error} />
      <table>
        {(list.data ?? []).map((k) => (
          <tr data-api-key={k.id}>
            <td>{k.name}</td>
            <td>
              <code>{k.prefix}…</code>
            </td>
            <td>{k.scopes.join(', ')}</td>
            <td>
              {t('createdBy')} {shortId(k.createdBy)} · {when(k.createdAt)}
            </td>
            <td>
              {t('lastUsed')} {when(k.lastUsedAt)}
            </td>
            <td class="status">{k.revokedAt ? `${t('revoked')} ${when(k.revokedAt)}` : t('active')}</td>
            <td>{!k.revokedAt && <button onClick={() => revoke(k)}>{t('revoke')}</button>}</td>
          </tr>
        ))}
      </table>
    </section>
  );
}

/** Creates a key and shows its secret: the only answer that ever carries it. */
function NewKey({ onCreated }: { onCreated: () => Promise<void> }) {
  const action = useAction(onCreated);
  const [secret, setSecret] = useState('');
  const create = (e: Event) => {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const data = new FormData(form);
    const body = { name: String(data.get('name')), scopes: data.getAll('scope').map(String) };
    return action.run(async () => {
      setSecret((await api<ApiKey & { key: string }>('POST', '/admin/api-keys', body)).key);
      form.reset();
    });
  };
  return (
    <>
      <form class="toolbar" onSubmit={create}>
        <label>
          {t('name')} <input name="name" maxLength={100} required />
        </label>
        {SCOPES.map((s) => (
          <label>
            <input type="checkbox" name="scope" value={s} /> {s}
          </label>
        ))}
        <button type="submit">{t('createKey')}</button>
      </form>
      {secret && (
        <p class="secret">
          {t('secretOnce')} <code data-testid="api-key-secret">{secret}</code>
        </p>
      )}
      <Failure text={action.error} />
    </>
  );
}
