import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { t } from '../i18n/index.js';
import { consoleSocket } from '../socket.js';
import { SosTrail } from './sos-trail.js';

interface Channel {
  channel: string;
  status: string;
  attempts: number;
  recipient: string;
}

export interface Alert {
  id: string;
  userId: string;
  tripId: string | null;
  lat: number;
  lng: number;
  note: string | null;
  status: 'open' | 'acknowledged' | 'resolved';
  channels: Channel[];
  escalations: number;
  nextEscalationAt: string | null;
  acknowledgeNote: string | null;
  resolveNote: string | null;
  createdAt: string;
}

const ORDER = { open: 0, acknowledged: 1, resolved: 2 } as const;
const DESK_EVENTS = ['sos:alert', 'sos:acknowledged', 'sos:resolved', 'sos:escalated'];

/**
 * Issue 19.6: open alerts first, each with its per-channel delivery and the countdown to the next escalation;
 * acknowledge and resolve with a note (resolving needs one); the selected alert's live trail on a map.
 */
export function SosPage({ tileUrl }: { tileUrl: string }) {
  const [alerts, setAlerts] = useState<Alert[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const [, tick] = useState(0);
  const load = () =>
    api<Alert[]>('GET', '/admin/sos?limit=100').then((rows) =>
      setAlerts([...rows].sort((a, b) => ORDER[a.status] - ORDER[b.status] || b.createdAt.localeCompare(a.createdAt))),
    );
  useEffect(() => {
    void load();
    const socket = consoleSocket();
    const refresh = () => void load();
    for (const e of DESK_EVENTS) socket.on(e, refresh);
    const timer = setInterval(() => tick((n) => n + 1), 1_000); // countdowns
    return () => {
      clearInterval(timer);
      for (const e of DESK_EVENTS) socket.off(e, refresh);
    };
  }, []);
  const current = alerts.find((a) => a.id === selected) ?? alerts.find((a) => a.status !== 'resolved') ?? null;
  return (
    <section data-testid="sos-desk" class="sos-desk">
      <h2>{t('navSos')}</h2>
      <table>
        {alerts.map((a) => (
          <SosRow alert={a} selected={a.id === current?.id} onSelect={() => setSelected(a.id)} onDone={load} />
        ))}
      </table>
      {current && <SosTrail key={current.id} alert={current} tileUrl={tileUrl} />}
    </section>
  );
}

function SosRow(props: { alert: Alert; selected: boolean; onSelect: () => void; onDone: () => Promise<unknown> }) {
  const { alert: a } = props;
  const [note, setNote] = useState('');
  const act = async (action: 'acknowledge' | 'resolve') => {
    await api('POST', `/admin/sos/${a.id}/${action}`, note.trim() ? { note: note.trim() } : {});
    setNote('');
    await props.onDone();
  };
  const dueS = a.nextEscalationAt ? Math.max(0, Math.ceil((Date.parse(a.nextEscalationAt) - Date.now()) / 1000)) : null;
  return (
    <tr
      class={`sos-row sos-${a.status}${props.selected ? ' selected' : ''}`}
      data-alert={a.id}
      onClick={props.onSelect}
    >
      <td>{new Date(a.createdAt).toLocaleTimeString()}</td>
      <td class="sos-status">{a.status}</td>
      <td>
        {a.note ?? ''}
        {a.acknowledgeNote && <div class="muted">✓ {a.acknowledgeNote}</div>}
        {a.resolveNote && <div class="muted">■ {a.resolveNote}</div>}
      </td>
      <td class="sos-channels">
        {a.channels.map((c) => (
          <span class={`channel channel-${c.status}`} title={c.recipient}>
            {c.channel}: {c.status}
          </span>
        ))}
      </td>
      <td class="sos-countdown">
        {dueS !== null && t('escalatesIn', { n: dueS })}
        {a.escalations > 0 && ` ${t('escalated', { n: a.escalations })}`}
      </td>
      <td>{a.tripId ? <a href={`#/trips/${a.tripId}`}>{a.tripId.slice(0, 8)}</a> : '—'}</td>
      <td>
        {a.status !== 'resolved' && (
          <>
            <input
              name="note"
              placeholder={t('note')}
              value={note}
              onClick={(e) => e.stopPropagation()}
              onInput={(e) => setNote((e.target as HTMLInputElement).value)}
            />{' '}
            {a.status === 'open' && <button onClick={() => act('acknowledge')}>{t('acknowledge')}</button>}{' '}
            <button disabled={!note.trim()} onClick={() => act('resolve')}>
              {t('resolve')}
            </button>
          </>
        )}
      </td>
    </tr>
  );
}

/** Whatever page is open, a new SOS rings and shows a notification; the banner stays while any alert is open. */
export function useSosAlarm(enabled: boolean): number {
  const [open, setOpen] = useState(0);
  useEffect(() => {
    if (!enabled) return;
    const count = () =>
      api<Alert[]>('GET', '/admin/sos?status=open&limit=100')
        .then((rows) => setOpen(rows.length))
        .catch(() => null);
    void count();
    if ('Notification' in window && Notification.permission === 'default') void Notification.requestPermission();
    const socket = consoleSocket();
    const onAlert = (a: { note?: string }) => {
      beep();
      if ('Notification' in window && Notification.permission === 'granted')
        new Notification(t('newSos'), { body: a.note ?? '' });
      void count();
    };
    const onChange = () => void count();
    socket.on('sos:alert', onAlert);
    socket.on('sos:acknowledged', onChange);
    socket.on('sos:resolved', onChange);
    return () => {
      socket.off('sos:alert', onAlert);
      socket.off('sos:acknowledged', onChange);
      socket.off('sos:resolved', onChange);
    };
  }, [enabled]);
  return open;
}

/** A short tone from the Web Audio API: no sound file to ship or fetch. */
function beep() {
  try {
    const ctx = new AudioContext();
    const osc = ctx.createOscillator();
    osc.frequency.value = 880;
    osc.connect(ctx.destination);
    osc.start();
    osc.stop(ctx.currentTime + 0.4);
  } catch {
    /* no audio device: the banner and the notification still show */
  }
}
