import { t } from '../i18n/index.js';

export interface TraceOffer {
  driverId: string;
  round: number;
  status: string;
  distanceToPickupM: number | null;
  score: number | null;
  answeredAt: string | null;
  push: Array<{ kind: string; channel: string; status: string; attempts: number; sentAt: string | null }>;
}

interface PriceLine {
  code: string;
  label: string;
  amount: number;
}

export interface TracePrice {
  currency: string;
  quote: { total: number; items: PriceLine[] };
  receipt: { total: number; reason: string | null; items: PriceLine[] } | null;
}

export const clock = (at: string | null) => (at ? new Date(at).toLocaleTimeString() : '—');

/** A status change names where the trip or job went. */
export function statusOf(payload: unknown): string {
  const to = (payload as { to?: unknown } | null)?.to;
  return typeof to === 'string' ? ` → ${to}` : '';
}

/** Each offer: who, how far, why (score), what they answered and when, and how each push fared. */
export function OffersTable({ offers }: { offers: TraceOffer[] }) {
  return (
    <table data-testid="trace-offers">
      <tr>
        <th>{t('driverCard')}</th>
        <th>{t('round')}</th>
        <th>{t('distance')}</th>
        <th>{t('score')}</th>
        <th>{t('answer')}</th>
        <th>{t('answeredAt')}</th>
        <th>{t('pushes')}</th>
      </tr>
      {offers.map((o) => (
        <tr>
          <td>{o.driverId.slice(0, 8)}</td>
          <td>{o.round}</td>
          <td>{o.distanceToPickupM ?? '—'} m</td>
          <td class="offer-score">{o.score === null ? '—' : o.score.toFixed(2)}</td>
          <td class="offer-status">{o.status}</td>
          <td>{clock(o.answeredAt)}</td>
          <td class="offer-pushes">
            {o.push.map((p) => (
              <div class="push" data-status={p.status}>
                {p.kind} · {p.channel} · {p.status} ×{p.attempts} · {clock(p.sentAt)}
              </div>
            ))}
            {o.push.length === 0 && '—'}
          </td>
        </tr>
      ))}
    </table>
  );
}

function Lines({ title, lines, total, testId }: { title: string; lines: PriceLine[]; total: number; testId: string }) {
  return (
    <table data-testid={testId}>
      <caption>{title}</caption>
      {lines.map((l) => (
        <tr data-code={l.code}>
          <td>{l.label}</td>
          <td>{l.amount}</td>
        </tr>
      ))}
      <tr class="total">
        <th>{t('total')}</th>
        <th>{total}</th>
      </tr>
    </table>
  );
}

/** The quote's lines beside the receipt's (amounts in minor units of `currency`). */
export function PriceItems({ price }: { price: TracePrice }) {
  return (
    <div class="price-items">
      <Lines
        title={`${t('quoteItems')} (${price.currency})`}
        lines={price.quote.items}
        total={price.quote.total}
        testId="trace-quote"
      />
      {price.receipt ? (
        <Lines
          title={`${t('receiptItems')}${price.receipt.reason ? ` · ${price.receipt.reason}` : ''}`}
          lines={price.receipt.items}
          total={price.receipt.total}
          testId="trace-receipt"
        />
      ) : (
        <p class="muted">{t('notCharged')}</p>
      )}
    </div>
  );
}

export interface TraceNotice {
  userId: string;
  template: string;
  createdAt: string;
  deliveries: Array<{ channel: string; status: string; attempts: number; sentAt: string | null }>;
}

/** Notices to the two parties (rider or customer, driver or provider), each with how every channel delivered it. */
export function NoticesTable({ notices, partyOf }: { notices: TraceNotice[]; partyOf: (userId: string) => string }) {
  if (notices.length === 0) return <p class="muted">{t('none')}</p>;
  return (
    <table data-testid="trace-notices">
      {notices.map((n) => (
        <tr>
          <td>{clock(n.createdAt)}</td>
          <td>{partyOf(n.userId)}</td>
          <td>{n.template}</td>
          <td>
            {n.deliveries.map((d) => (
              <div class="push" data-status={d.status}>
                {d.channel} · {d.status} ×{d.attempts} · {clock(d.sentAt)}
              </div>
            ))}
          </td>
        </tr>
      ))}
    </table>
  );
}

export interface TraceChatLine {
  id: string;
  from: string;
  text: string;
  createdAt: string;
}

/** The chat between the two parties, oldest first; `partyOf` names a sender (null: someone else, shown by id). */
export function ChatLog({ chat, partyOf }: { chat: TraceChatLine[]; partyOf: (from: string) => string | null }) {
  if (chat.length === 0) return <p class="muted">{t('none')}</p>;
  return (
    <table data-testid="trace-chat">
      {chat.map((m) => (
        <tr>
          <td>{clock(m.createdAt)}</td>
          <td>{partyOf(m.from) ?? m.from.slice(0, 8)}</td>
          <td>{m.text}</td>
        </tr>
      ))}
    </table>
  );
}
