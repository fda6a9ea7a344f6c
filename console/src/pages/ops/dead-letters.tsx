import { useState } from 'preact/hooks';
import { api } from '../../api.js';
import { t } from '../../i18n/index.js';
import { Failure, useAction, useApi, when } from './use-api.js';

interface DeadLetter {
  id: number;
  task: string;
  payload: unknown;
  attempts: number;
  lastError: string;
  failedAt: string;
}

/** Issue 19.7 (admin): jobs that ran out of attempts; read the payload and the last error, then re-queue one. */
export function DeadLettersPage() {
  const list = useApi<DeadLetter[]>('/admin/dead-letters?limit=100');
  const action = useAction(list.reload);
  const [open, setOpen] = useState<number | null>(null);
  const [requeued, setRequeued] = useState<number | null>(null);
  const retry = (d: DeadLetter) =>
    action.run(async () => {
      await api('POST', `/admin/dead-letters/${d.id}/retry`);
      setRequeued(d.id);
    });
  return (
    <section data-testid="dead-letters">
      <h2>{t('deadLetters')}</h2>
      <Failure text={list.error || action.error} />
      {requeued !== null && <p data-testid="requeued">{t('requeued', { id: requeued })}</p>}
      {list.data?.length === 0 && <p class="muted">{t('none')}</p>}
      <table>
        {(list.data ?? []).map((d) => (
          <>
            <tr data-dead-letter={d.id}>
              <td>{d.id}</td>
              <td>{d.task}</td>
              <td>{d.attempts}</td>
              <td>{when(d.failedAt)}</td>
              <td class="error">{d.lastError}</td>
              <td>
                <button onClick={() => setOpen(open === d.id ? null : d.id)}>{t('inspect')}</button>
                <button onClick={() => retry(d)}>{t('retry')}</button>
              </td>
            </tr>
            {open === d.id && (
              <tr>
                <td colSpan={6}>
                  <pre data-testid="dead-letter-payload">{JSON.stringify(d.payload, null, 2)}</pre>
                </td>
              </tr>
            )}
          </>
        ))}
      </table>
    </section>
  );
}
