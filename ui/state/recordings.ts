// What the page says about recordings: a terminal's recording badge (every viewer sees it, from
// the session row), the runs the audit trail lists as recorded, a recording's size, and whether it
// is small enough to play in the page.
import type { AuditRecord, SessionRow } from '../../src/protocol/index.ts';

const STOPPED: Record<NonNullable<NonNullable<SessionRow['recording']>['stopped']>, string> = {
  ended: 'recorded (the run ended)',
  limit: 'recording stopped: it reached the size limit (the terminal goes on)',
  user: 'recording stopped',
  failed: 'recording stopped: the server could not write it',
};

/** The badge of a terminal's recording, or undefined when its run is not recorded. */
export function recordingBadge(row: SessionRow): { text: string; detail: string; on: boolean } | undefined {
  const recording = row.recording;
  if (!recording) return undefined;
  if (recording.on) return { text: recording.input ? '● REC + keys' : '● REC', detail: `This terminal is being recorded: what it prints${recording.input ? ' and keystrokes (passwords typed at prompts included)' : ''} is saved on the server.`, on: true };
  return { text: recording.stopped === 'limit' || recording.stopped === 'failed' ? 'REC stopped' : 'recorded', detail: recording.stopped ? STOPPED[recording.stopped] : 'recorded (the run ended)', on: false };
}

/** The recorded runs, newest first; only one terminal's when `sessionId` is given. */
export function recordedRuns(records: readonly AuditRecord[], sessionId?: string): AuditRecord[] {
  return records.filter((r) => r.recording && r.sessionId !== undefined && r.run !== undefined && (sessionId === undefined || r.sessionId === sessionId)).reverse();
}

/** `runEnded`: without a size, a recording whose run has ended was cut off by the server stopping (a crash): it plays as far as it was written. */
export function sizeText(bytes: number | undefined, runEnded = false): string {
  if (bytes === undefined) return runEnded ? 'cut off (the server stopped)' : 'being written';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/**
 * The largest recording Play takes: the player holds the whole cast in the tab, as one string and
 * then as its events (a browser's strings stop at about 512 MiB; --record-max-bytes goes to 1 GiB).
 */
export const PLAY_MAX_BYTES = 128 * 1024 * 1024;

/** Why a recording of `bytes` is not played in the page (then Download is the way), or undefined. */
export function tooLargeToPlay(bytes: number | undefined): string | undefined {
  if (bytes === undefined || bytes <= PLAY_MAX_BYTES) return undefined;
  return `This recording is ${sizeText(bytes)}, too large to play in the page, which holds all of it (at most ${sizeText(PLAY_MAX_BYTES)}): download it (Download .cast) and play it with asciinema play.`;
}

/** Why Play stopped reading a recording past PLAY_MAX_BYTES (one still being written, or without a logged size): how large all of it is, the page does not know. */
export const READ_PAST_PLAY_MAX = `This recording is over ${sizeText(PLAY_MAX_BYTES)}, too large to play in the page, which holds all of it: download it (Download .cast) and play it with asciinema play.`;
