// The last minute before an idle terminal ends: how many seconds are left, on the server's clock.
//
// The page estimates the offset between the server's clock and its own from times the server
// sent, relative to when they were received: the hello's `now`, and a row's newest time (started,
// last activity, ended), cannot be later than the server's clock when it was sent, so
// `time - receivedAt` is a lower bound of the offset, and the largest such bound seen so far is
// the estimate: within the hello's travel time from the first message. (Rows alone were not
// enough after a reload: an idle row's last activity is minutes old, so the countdown came late.)
// A hello starts it over from the server's now: a clock may have stepped since the last one (NTP
// setting the page's right, often at a wake from sleep, when the socket reconnects anyway), and
// the largest bound of the old clocks would keep the countdown minutes early for the page's life.
import type { ServerMessage, SessionRow } from '../../src/protocol/index.ts';

/** the countdown shows in this last stretch before the idle timeout */
export const COUNTDOWN_MS = 60_000;

/** The offset estimate (server clock minus page clock) after `message` arrived at page time `receivedAt`. */
export function clockOffsetAfter(previous: number | undefined, message: ServerMessage, receivedAt: number): number | undefined {
  const rows: SessionRow[] = message.type === 'hello' ? message.sessions : message.type === 'session' || message.type === 'attached' ? [message.session] : [];
  let offset = previous;
  if (message.type === 'hello' && typeof message.now === 'number' && Number.isFinite(message.now)) offset = message.now - receivedAt;
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
  if (row.state !== 'idle' || row.idleTimeoutMs === undefined) return undefined; // none: a batch's run
  const left = row.lastActivityAt + row.idleTimeoutMs - (pageNow + (offset ?? 0));
  if (!Number.isFinite(left) || left > COUNTDOWN_MS) return undefined;
  return Math.max(0, Math.ceil(left / 1000));
}

export function countdownText(seconds: number): string {
  return `ends in ${seconds} s unless you type`;
}
