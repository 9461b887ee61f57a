// A terminal's recording as its tab and panel show it: the badge every viewer sees while it is
// recorded (and why it stopped), the owner's Record / Stop recording toggle (a server with
// --record opt-in), and the way to the terminal's recordings.
import type { SessionRow } from '../../src/protocol/index.ts';
import { api } from '../protocol/http-client.ts';
import { isEnded } from '../state/app-state.ts';
import { recordingBadge } from '../state/recordings.ts';
import { useAppState, useServices } from './context.ts';
import { AppLink } from './link.tsx';
import { useServerButton } from './server-button.ts';

export function RecordingBadge(props: { row: SessionRow; long?: boolean; id?: string }) {
  const b = recordingBadge(props.row);
  if (!b) return null;
  return (
    <span id={props.id} class={`badge recording-badge ${b.on ? 'tone-bad' : 'tone-quiet'}`} data-testid="recording-badge" title={b.detail}>
      {props.long && !b.on ? b.detail : b.text}
    </span>
  );
}

export function RecordingControls(props: { row: SessionRow; mine: boolean }) {
  const { row } = props;
  const { actions } = useServices();
  const state = useAppState();
  const serverButton = useServerButton();
  const mode = state.info?.recording.mode;
  if (!row.interactive || !mode) return null;
  const on = row.recording?.on === true;
  const canToggle = mode === 'opt-in' && props.mine && !isEnded(row);
  // every viewer's tab shows the change when it comes: the session row, pushed to each page
  const toggle = () => api.record(row.sessionId, !on).catch((error: Error) => actions.notify(error.message, on ? 'Stop recording' : 'Record'));
  return (
    <>
      {canToggle && (
        <button type="button" aria-pressed={on} {...serverButton(on ? 'Stop recording this terminal' : 'Record what this terminal prints from now on, to play back later', () => void toggle())}>
          {on ? 'Stop recording' : 'Record'}
        </button>
      )}
      {state.route.page !== 'embed' && (row.recording || mode !== 'off') && (
        <AppLink to={{ page: 'recordings', session: row.sessionId }} class="button-link">
          Recordings
        </AppLink>
      )}
    </>
  );
}
