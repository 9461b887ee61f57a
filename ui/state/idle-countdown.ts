// The last minute before an idle terminal ends: how many seconds are left, on the server's clock.
//
// The server's hello and rows carry no clock of their own, so the page estimates the offset
// between the server's clock and its own from the rows' times relative to when it received them:
// a row's newest time (started, last activity, ended) cannot be later than the server's "now"
// when it was sent, so `newest - receivedAt` is a lower bound of the offset, and the largest such
// bound seen so far is the estimate. Rows pushed as things happen (spawned, connected, activity)
// make it tight, within the message's travel time; before any such row it errs towards a later
// end, by at most that travel time once one has arrived.
import type { ServerMessage, SessionRow } from '../../src/protocol/index.ts';

/** the countdown shows in this last stretch before the idle timeout */
export const COUNTDOWN_MS = 60_000;

/** The offset estimate (server clock minus page clock) after `message` arrived at page time `receivedAt`. */
export function clockOffsetAfter(previous: number | undefined, message: ServerMessage, receivedAt: number): number | undefined {
  const rows: SessionRow[] = message.type === 'hello' ? message.sessions : message.type === 'session' || message.type === 'attached' ? [message.session] : [];
  let offset = previous;
  for (const row of rows) {
    const newest = Math.max(row.startedAt, row.lastActivityAt, row.endedAt ?? 0);
    if (!Number.isFinite(newest)) continue; // a hostile or broken row says nothing about the clock
    const bound = newest - receivedAt;
    if (offset === undefined || bound > offset) offset = bound;
  }
  return offset;
}

/**
 * Whole seconds left before an idle terminal ends, or undefined when no countdown shows: the
 * terminal is not idle (activity makes it live again, and the countdown goes), or more than a
 * minute is left. Only an idle row's lastActivityAt is exact (the server reports activity late,
 * just before the idle notice), so a live row never counts down.
 */
export function idleSecondsLeft(row: SessionRow, pageNow: number, offset: number | undefined): number | undefined {
  if (row.state !== 'idle') return undefined;
  const left = row.lastActivityAt + row.idleTimeoutMs - (pageNow + (offset ?? 0));
  if (!Number.isFinite(left) || left > COUNTDOWN_MS) return undefined;
  return Math.max(0, Math.ceil(left / 1000));
}

export function countdownText(seconds: number): string {
  return `ends in ${seconds} s unless you type`;
}
