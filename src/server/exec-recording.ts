// What POST /exec tells its client of the new terminals' recording. Whether the disk takes it is
// known only at the stream's first byte (src/recording/recorder.ts), after the 201: so a terminal
// to be recorded is "pending", and its row's `recording` says how it went (on, or "failed").
import type { ExecStarted, RecordingPolicy } from '../protocol/index.ts';

export function execRecording(policy: Pick<RecordingPolicy, 'mode'>, body: { interactive: boolean; record?: true }): Pick<ExecStarted, 'recording'> {
  // --record off with record: true was refused before the exec; a command without a terminal is never recorded
  const recorded = body.interactive && (body.record === true || policy.mode === 'all');
  return recorded ? { recording: 'pending' } : {};
}
