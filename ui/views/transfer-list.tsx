// The file transfers of one container, each with a progress bar (none once one of unknown size
// has ended), bytes and rate, and Cancel while it runs (or its outcome, with a button to clear it).
// A failure and a done transfer's warning (a file that changed while it was copied, a folder's
// entries left out) are alerts: a screen reader hears them as they appear. A running one's note
// (a big download: octant-exec cp suits it better) is plain text beside its progress.
import type { Transfer } from '../state/transfers.ts';
import { progressBar, progressText } from '../state/transfers.ts';
import { useServices } from './context.ts';

export function TransferList(props: { transfers: Transfer[] }) {
  const { transfers } = useServices();
  if (props.transfers.length === 0) return null;
  return (
    <ul class="transfers" aria-label="File transfers">
      {props.transfers.map((t) => {
        const bar = progressBar(t);
        return (
          <li key={t.id} class={`transfer transfer-${t.state}`} data-testid="transfer">
            <span class="transfer-label">
              {t.kind === 'upload' ? '↑' : '↓'} {t.label}
            </span>
            {bar !== undefined && <progress max={1} {...(bar !== 'unknown' ? { value: bar } : {})} aria-label={`${t.kind} of ${t.label}`} />}
            <span class="muted transfer-progress">{progressText(t)}</span>
            {t.state === 'running' ? (
              <>
                {t.note && <span class="muted transfer-note">{t.note}</span>}
                <button type="button" onClick={() => transfers.cancel(t.id)}>
                  Cancel
                </button>
              </>
            ) : (
              <>
                <span class={t.state === 'done' ? 'transfer-outcome' : 'transfer-outcome error'} role={t.state === 'failed' ? 'alert' : undefined}>
                  {t.state === 'done' ? 'done' : t.state}
                  {t.message ? `: ${t.message}` : ''}
                </span>
                {t.warning && (
                  <span class="transfer-outcome warn" role="alert">
                    {t.warning}
                  </span>
                )}
                <button type="button" aria-label="Clear" title="Clear" onClick={() => transfers.dismiss(t.id)}>
                  ×
                </button>
              </>
            )}
          </li>
        );
      })}
    </ul>
  );
}
