// An admin's End of another person's running terminal (docs/team-mode.md, "Offboarding"): always
// asked first, as closing a running terminal is. Its process ends; the terminal stays its owner's,
// stopped, with its output and who ended it. A run of a running batch stops the whole batch (the
// server does so: its run's end alone would start the next target). The button goes with the run:
// the focus then goes to `focusAfter` (the terminal's tab), not to <body>.
import { useState } from 'preact/hooks';
import type { SessionRow } from '../../src/protocol/index.ts';
import { api } from '../protocol/http-client.ts';
import { runsText } from '../state/app-state.ts';
import { useSelect, useServices } from './context.ts';
import { useFocusAfterRemoval } from './focus-after-removal.ts';
import { ModalForm } from './modal-form.tsx';
import { useServerButton } from './server-button.ts';

/** `owner`: whose running terminal an admin watches here (nothing is offered without one). */
export function EndTerminal(props: { row: SessionRow; owner: string | undefined; focusAfter: () => HTMLElement | null | undefined }) {
  const { actions, store } = useServices();
  const { row, owner } = props;
  const batch = useSelect(store, (state) => (state.batches.byId[row.requestId]?.state === 'running' ? row.requestId : undefined));
  const [asking, setAsking] = useState(false);
  const focus = useFocusAfterRemoval(owner ? ['end'] : []);
  const serverButton = useServerButton();
  if (!owner) return null;
  return (
    <>
      <button type="button" {...serverButton(`End ${owner}'s terminal: its process stops; the terminal stays theirs, with its output`, () => setAsking(true))}>
        End…
      </button>
      {asking && (
        <ModalForm
          class="confirm-end"
          titleId="confirm-end-title"
          title={batch ? `Stop ${owner}'s batch ${batch}?` : `End ${owner}'s terminal?`}
          runLabel={batch ? 'Stop batch' : 'End terminal'}
          onClose={() => setAsking(false)}
          focusAfter={props.focusAfter}
          onRun={() => {
            setAsking(false);
            focus.handOver({ gone: ['end'], to: [props.focusAfter] });
            api.end(row.sessionId).catch((error: Error) => actions.notify(error.message, 'End terminal'));
          }}
        >
          {batch ? (
            <>
              <p>
                <span class="mono">{runsText(row)}</span> runs for {owner} in {row.target.container} ({row.target.namespace}/{row.target.pod}) as part of batch {batch}: ending it stops the whole
                batch now. Its other running commands are ended too, and nothing more of it starts.
              </p>
              <p class="hint">Their terminals stay in {owner}'s list with their output; the batch says you stopped it, and {owner} gets an alert; the audit trail records it too.</p>
            </>
          ) : (
            <>
              <p>
                <span class="mono">{runsText(row)}</span> runs for {owner} in {row.target.container} ({row.target.namespace}/{row.target.pod}): ending it stops that process now.
              </p>
              <p class="hint">The terminal stays in {owner}'s list with its output, saying you ended it; the audit trail records it too.</p>
            </>
          )}
        </ModalForm>
      )}
    </>
  );
}
