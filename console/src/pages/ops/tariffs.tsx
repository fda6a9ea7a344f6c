import { useState } from 'preact/hooks';
import { api } from '../../api.js';
import { t } from '../../i18n/index.js';
import { egp, Failure, shortId, toPiastres, useAction, useApi, when } from './use-api.js';

interface Figures {
  baseFare: number;
  perKm: number;
  perMin: number;
  minFare: number;
  commissionBps: number;
}
interface Tariff extends Figures {
  vehicleClass: string;
  version: number;
}
interface TariffVersion extends Figures {
  vehicleClass: string;
  version: number;
  createdAt: string;
  createdBy: string | null;
}

const MONEY_FIELDS = ['baseFare', 'perKm', 'perMin', 'minFare'] as const;

/** Issue 19.7 (admin): the tariffs in force; an edit is a new immutable version (trips already priced keep theirs). */
export function TariffsPage() {
  const pricing = useApi<{ tariffs: Tariff[] }>('/admin/pricing');
  const [selected, setSelected] = useState<string | null>(null);
  const tariff = pricing.data?.tariffs.find((x) => x.vehicleClass === selected);
  return (
    <section data-testid="tariffs">
      <h2>{t('tariffs')}</h2>
      <Failure text={pricing.error} />
      <table>
        <tr>
          <th>{t('filterClass')}</th>
          <th>{t('version')}</th>
          <th>{t('baseFare')}</th>
          <th>{t('perKm')}</th>
          <th>{t('perMin')}</th>
          <th>{t('minFare')}</th>
          <th>{t('commission')}</th>
          <th />
        </tr>
        {(pricing.data?.tariffs ?? []).map((x) => (
          <tr data-tariff={x.vehicleClass}>
            <td>{x.vehicleClass}</td>
            <td class="version">v{x.version}</td>
            {MONEY_FIELDS.map((f) => (
              <td>{egp(x[f])}</td>
            ))}
            <td>{(x.commissionBps / 100).toFixed(2)} %</td>
            <td>
              <button onClick={() => setSelected(x.vehicleClass)}>{t('edit')}</button>
            </td>
          </tr>
        ))}
      </table>
      {tariff && (
        // Keyed by version: a saved edit opens the new version's figures (the inputs are uncontrolled, so a
        // re-render while someone types never puts the old figures back).
        <TariffEditor key={`${tariff.vehicleClass}:${tariff.version}`} tariff={tariff} onSaved={pricing.reload} />
      )}
    </section>
  );
}

/** The figures in EGP and percent for a person; the API takes piastres and basis points. */
function TariffEditor({ tariff, onSaved }: { tariff: Tariff; onSaved: () => Promise<void> }) {
  const versions = useApi<TariffVersion[]>(`/admin/pricing/tariffs/${tariff.vehicleClass}/versions?limit=20`);
  const action = useAction(async () => {
    await onSaved();
    await versions.reload();
  });
  const save = (e: Event) => {
    e.preventDefault();
    const data = new FormData(e.target as HTMLFormElement);
    const body: Record<string, number> = {};
    for (const f of MONEY_FIELDS) body[f] = toPiastres(String(data.get(f)));
    body.commissionBps = Math.round(Number(data.get('commission')) * 100);
    return action.run(() => api('PUT', `/admin/pricing/tariffs/${tariff.vehicleClass}`, body));
  };
  return (
    <div data-testid="tariff-editor">
      <h3>
        {tariff.vehicleClass} · v{tariff.version}
      </h3>
      <form class="toolbar" onSubmit={save}>
        {MONEY_FIELDS.map((f) => (
          <label>
            {t(f)}{' '}
            <input name={f} type="number" min="0" step="0.01" defaultValue={(tariff[f] / 100).toFixed(2)} required />
          </label>
        ))}
        <label>
          {t('commission')} %{' '}
          <input
            name="commission"
            type="number"
            min="0"
            max="100"
            step="0.01"
            defaultValue={(tariff.commissionBps / 100).toFixed(2)}
            required
          />
        </label>
        <button type="submit">{t('saveNewVersion')}</button>
      </form>
      <Failure text={action.error || versions.error} />
      <h3>{t('versions')}</h3>
      <Versions versions={versions.data ?? []} />
    </div>
  );
}

function Versions({ versions }: { versions: TariffVersion[] }) {
  return (
    <table data-testid="tariff-versions">
      {versions.map((v) => (
        <tr data-version={v.version}>
          <td>v{v.version}</td>
          {MONEY_FIELDS.map((f) => (
            <td>{egp(v[f])}</td>
          ))}
          <td>{(v.commissionBps / 100).toFixed(2)} %</td>
          <td>
            {shortId(v.createdBy)} · {when(v.createdAt)}
          </td>
        </tr>
      ))}
    </table>
  );
}
