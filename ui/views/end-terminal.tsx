// An admin's End of another person's running terminal (docs/team-mode.md, "Offboarding"): always
// asked first, as closing a running terminal is. Its process ends; the terminal stays its owner's,
// stopped, with its output and who ended it. The button goes with the run: the focus then goes to
// `focusAfter` (the terminal's tab), not to <body>.
import { useState } from 'preact/hooks';
import type { SessionRow } from '../../src/protocol/index.ts';
import { api } from '../protocol/http-client.ts';
import { runsText } from '../state/app-state.ts';
import { useServices } from './context.ts';
import { useFocusAfterRemoval } from './focus-after-removal.ts';
import { ModalForm } from './modal-form.tsx';

/** `owner`: whose running terminal an admin watches here (nothing is offered without one). */
export function EndTerminal(props: { row: SessionRow; owner: string | undefined; focusAfter: () => HTMLElement | null | undefined }) {
  const { actions } = useServices();
  const { row, owner } = props;
  const [asking, setAsking] = useState(false);
  const focus = useFocusAfterRemoval(owner ? ['end'] : []);
  if (!owner) return null;
  return (
    <>
      <button type="button" title={`End ${owner}'s terminal: its process stops; the terminal stays theirs, with its output`} onClick={() => setAsking(true)}>
        End…
      </button>
      {asking && (
        <ModalForm
          class="confirm-end"
          titleId="confirm-end-title"
          title={`End ${owner}'s terminal?`}
          runLabel="End terminal"
          onClose={() => setAsking(false)}
          focusAfter={props.focusAfter}
          onRun={() => {
            setAsking(false);
            focus.handOver({ gone: ['end'], to: [props.focusAfter] });
            api.end(row.sessionId).catch((error: Error) => actions.notify(error.message, 'End terminal'));
          }}
        >
          <p>
            <span class="mono">{runsText(row)}</span> runs for {owner} in {row.target.container} ({row.target.namespace}/{row.target.pod}): ending it stops that process now.
          </p>
          <p class="hint">The terminal stays in {owner}'s list with its output, saying you ended it; the audit trail records it too.</p>
        </ModalForm>
      )}
    </>
  );
}
