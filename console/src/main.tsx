import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, currentSession, login, logout, onSession, resume, type Session } from './api.js';
import { lang, setLang, t } from './i18n/index.js';
import { DriverOverviewPage } from './pages/driver-overview.js';
import { DriversPage } from './pages/drivers.js';
import { MapPage } from './pages/map.js';
import { OPS_PAGES } from './pages/ops/index.js';
import { SosPage, useSosAlarm } from './pages/sos.js';
import { JobTracePage } from './pages/job-trace.js';
import { TracePage } from './pages/trace.js';
import { TripsPage } from './pages/trips.js';
import './styles.css';

interface ConsoleConfig {
  tileUrl: string;
  attribution: string;
}

/** Which pages a staff member sees; the API enforces the same groups (hiding a link is not the permission). */
const holds = (s: Session, ...roles: string[]) =>
  s.user.role === 'admin' || s.staffRoles.some((r) => roles.includes(r));

function useHash(): string {
  const [hash, setHash] = useState(location.hash || '#/map');
  useEffect(() => {
    const onChange = () => setHash(location.hash || '#/map');
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return hash;
}

function Login() {
  const [error, setError] = useState('');
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.target as HTMLFormElement);
    await login(String(form.get('phone')), String(form.get('password'))).catch(() => setError(t('loginFailed')));
  };
  return (
    <form class="login" onSubmit={submit}>
      <h1>{t('appName')}</h1>
      <label>
        {t('phone')} <input name="phone" autoComplete="username" required />
      </label>
      <label>
        {t('password')} <input name="password" type="password" autoComplete="current-password" required />
      </label>
      <button type="submit">{t('login')}</button>
      {error && <p class="error">{error}</p>}
    </form>
  );
}

function Page({ hash, session, config }: { hash: string; session: Session; config: ConsoleConfig }) {
  const trip = /^#\/trips\/([0-9a-f-]{36})$/.exec(hash);
  if (trip) return <TracePage tripId={trip[1]!} tileUrl={config.tileUrl} />;
  const job = /^#\/jobs\/([0-9a-f-]{36})$/.exec(hash);
  if (job) return <JobTracePage requestId={job[1]!} tileUrl={config.tileUrl} />;
  const driver = /^#\/drivers\/([0-9a-f-]{36})$/.exec(hash);
  if (driver) return <DriverOverviewPage driverId={driver[1]!} />;
  if (hash === '#/trips') return <TripsPage />;
  if (hash === '#/sos') return <SosPage tileUrl={config.tileUrl} />;
  if (hash === '#/drivers') return <DriversPage />;
  const ops = OPS_PAGES.find((p) => p.hash === hash);
  if (ops)
    return holds(session, ...ops.roles) ? (
      ops.render(config)
    ) : (
      <p class="error" data-testid="forbidden">
        {t('forbidden')}
      </p>
    );
  if (holds(session, 'dispatcher')) return <MapPage tileUrl={config.tileUrl} attribution={config.attribution} />;
  // Finance and support staff land on their first page rather than on a map they may not see.
  const first = OPS_PAGES.find((p) => holds(session, ...p.roles));
  return first ? first.render(config) : <p>{t('forbidden')}</p>;
}

function Shell({ session, config }: { session: Session; config: ConsoleConfig }) {
  const hash = useHash();
  const [, setLangState] = useState(lang());
  const openSos = useSosAlarm(holds(session, 'dispatcher'));
  const switchLang = () => {
    setLang(lang() === 'en' ? 'ar' : 'en');
    setLangState(lang());
  };
  const links: Array<[string, string, boolean]> = [
    ['#/map', t('navMap'), holds(session, 'dispatcher')],
    ['#/trips', t('navTrips'), holds(session, 'dispatcher', 'support')],
    ['#/sos', t('navSos'), holds(session, 'dispatcher')],
    ['#/drivers', t('navDrivers'), holds(session, 'dispatcher')],
    ...OPS_PAGES.map((p): [string, string, boolean] => [p.hash, t(p.label), holds(session, ...p.roles)]),
  ];
  return (
    <div class="shell">
      <nav>
        <strong>{t('appName')}</strong>
        {links
          .filter(([, , shown]) => shown)
          .map(([href, label]) => (
            <a href={href} class={hash === href ? 'active' : ''}>
              {label}
            </a>
          ))}
        <span class="grow" />
        <span>{session.user.name}</span>
        <button onClick={switchLang}>{t('language')}</button>
        <button onClick={() => void logout()}>{t('logout')}</button>
      </nav>
      {openSos > 0 && (
        <a class="sos-banner" href="#/sos" data-testid="sos-banner">
          {t('sosBanner', { n: openSos })}
        </a>
      )}
      <main>
        <Page hash={hash} session={session} config={config} />
      </main>
    </div>
  );
}

function App() {
  const [session, setSession] = useState<Session | null>(currentSession());
  const [ready, setReady] = useState(false);
  const [config, setConfig] = useState<ConsoleConfig | null>(null);
  useEffect(() => {
    const stop = onSession(setSession);
    void api<ConsoleConfig>('GET', '/console/config').then(setConfig);
    void resume().finally(() => setReady(true));
    return stop;
  }, []);
  if (!ready || !config) return <p>{t('loading')}</p>;
  return session ? <Shell session={session} config={config} /> : <Login />;
}

render(<App />, document.getElementById('app')!);
