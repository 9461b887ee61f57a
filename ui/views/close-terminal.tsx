// Closing a terminal, from its tab or the Terminals page: one whose process still runs asks first
// (unless this browser's settings say not to: state/preferences.ts), anything else closes at once,
// ended and disconnected terminals included.
import { useState } from 'preact/hooks';
import type { JSX } from 'preact';
import type { SessionRow } from '../../src/protocol/index.ts';
import { closeNeedsConfirm } from '../state/preferences.ts';
import { runsText } from '../state/app-state.ts';
import { useAppState, useServices } from './context.ts';
import { ModalForm } from './modal-form.tsx';

export function useCloseTerminal(): { close: (row: SessionRow) => void; dialog: JSX.Element | null } {
  const { actions } = useServices();
  const { preferences } = useAppState();
  const [asking, setAsking] = useState<SessionRow | undefined>(undefined);
  const close = (row: SessionRow) => {
    if (closeNeedsConfirm(row, preferences)) setAsking(row);
    else void actions.close(row.sessionId);
  };
  const dialog = asking ? (
    <ModalForm
      class="confirm-close"
      titleId="confirm-close-title"
      title="Close a running terminal?"
      runLabel="Close terminal"
      onClose={() => setAsking(undefined)}
      onRun={() => {
        setAsking(undefined);
        void actions.close(asking.sessionId);
      }}
    >
      <p>
        <span class="mono">{runsText(asking)}</span> still runs in {asking.target.container} ({asking.target.namespace}/{asking.target.pod}): closing the terminal ends it, and its output is gone.
      </p>
      <p class="hint">Settings (top bar) can turn this question off.</p>
    </ModalForm>
  ) : null;
  return { close, dialog };
}
