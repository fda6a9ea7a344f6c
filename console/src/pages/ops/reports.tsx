import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../../api.js';
import { t } from '../../i18n/index.js';
import { egp, errorText, Failure, useApi, when } from './use-api.js';

interface Reconciliation {
  ok: boolean;
  ranAt: string;
  checks: Array<{ name: string; ok: boolean; details: Record<string, unknown> }>;
}

interface FinanceAlert {
  id: number;
  kind: string;
  subjectId: string | null;
  message: string;
  createdAt: string;
}

interface DailyReport {
  date: string;
  fares: { wallet: number; card: number; cash: number };
  commission: number;
  tips: number;
  refunds: number;
  fees: number;
  deposits: number;
  withdrawalsApproved: number;
  payouts: { paid: number; returned: number };
  duesOutstanding: number;
}

/** Issue 19.7 (finance): the ledger's reconciliation with its alerts, and one Cairo day's money in figures. */
export function ReportsPage() {
  return (
    <section data-testid="reports">
      <ReconciliationReport />
      <Alerts />
      <Daily />
    </section>
  );
}

function ReconciliationReport() {
  const [report, setReport] = useState<Reconciliation | null>(null);
  const [error, setError] = useState('');
  const [none, setNone] = useState(false);
  const read = async (call: Promise<Reconciliation>) => {
    try {
      setReport(await call);
      setNone(false);
      setError('');
    } catch (err) {
      if (err instanceof ApiError && err.status === 404)
        setNone(true); // no run yet: not an error
      else setError(errorText(err));
    }
  };
  useEffect(() => void read(api('GET', '/admin/reconciliation')), []);
  return (
    <div data-testid="reconciliation">
      <h2>{t('reconciliation')}</h2>
      <button onClick={() => read(api('POST', '/admin/reconciliation/run'))}>{t('runNow')}</button>
      <Failure text={error} />
      {none && <p class="muted">{t('noReportYet')}</p>}
      {report && (
        <>
          <p class={report.ok ? 'ok' : 'error'} data-testid="reconciliation-verdict">
            {report.ok ? t('ok') : t('mismatch')} · {when(report.ranAt)}
          </p>
          <table>
            {report.checks.map((c) => (
              <tr data-check={c.name}>
                <td>{c.name}</td>
                <td class={c.ok ? 'ok' : 'error'}>{c.ok ? t('ok') : t('mismatch')}</td>
                <td>
                  <code>{Object.keys(c.details).length ? JSON.stringify(c.details) : ''}</code>
                </td>
              </tr>
            ))}
          </table>
        </>
      )}
    </div>
  );
}

function Alerts() {
  const alerts = useApi<FinanceAlert[]>('/admin/finance/alerts');
  return (
    <div data-testid="finance-alerts">
      <h2>{t('financeAlerts')}</h2>
      <Failure text={alerts.error} />
      {alerts.data?.length === 0 && <p class="muted">{t('none')}</p>}
      <table>
        {(alerts.data ?? []).map((a) => (
          <tr>
            <td>{when(a.createdAt)}</td>
            <td>{a.kind}</td>
            <td>{a.message}</td>
          </tr>
        ))}
      </table>
    </div>
  );
}

/** Today in Cairo (the report's day), as YYYY-MM-DD. */
const cairoToday = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Africa/Cairo' }).format(new Date());

function Daily() {
  const [date, setDate] = useState(cairoToday());
  const report = useApi<DailyReport>(`/admin/reports/daily?date=${date}`);
  const r = report.data;
  const rows: Array<[string, number]> = r
    ? [
        [t('faresWallet'), r.fares.wallet],
        [t('faresCard'), r.fares.card],
        [t('faresCash'), r.fares.cash],
        [t('commission'), r.commission],
        [t('tips'), r.tips],
        [t('refunds'), r.refunds],
        [t('fees'), r.fees],
        [t('deposits'), r.deposits],
        [t('withdrawalsApproved'), r.withdrawalsApproved],
        [t('payoutsPaid'), r.payouts.paid],
        [t('payoutsReturned'), r.payouts.returned],
        [t('duesOutstanding'), r.duesOutstanding],
      ]
    : [];
  return (
    <div data-testid="daily-report">
      <h2>{t('dailyReport')}</h2>
      <label class="toolbar">
        {t('date')} <input type="date" value={date} onChange={(e) => setDate((e.target as HTMLInputElement).value)} />
      </label>
      <Failure text={report.error} />
      <table>
        {rows.map(([label, amount]) => (
          <tr>
            <td>{label}</td>
            <td>{egp(amount)}</td>
          </tr>
        ))}
      </table>
    </div>
  );
}
