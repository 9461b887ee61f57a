// A start on a machine whose clock is behind its event log's latest time: put back since the log
// was written, or ahead while it was. The log's times never go back (clock.ts): they go on from the
// log's at the real pace, ahead of this clock by as much, which an operator reading the audit trail
// should know, and can end (a stop at least that long, or the clock set right).
import { RealTimeClock, type VirtualClock } from './clock.ts';

/** Says so, once, when the wall clock is more than a second behind the clock's time. */
export function warnIfClockBehind(clock: VirtualClock, warn: (message: string) => void): void {
  const behind = clock instanceof RealTimeClock ? clock.behindBy() : 0;
  if (behind <= 1000) return;
  warn(
    `this machine's clock is ${roughly(behind)} behind the event log's latest time (it was put back, or was ahead when the log was written): ` +
      `the log's times go on from there at the real pace, so timeouts run as they should, but its entries are stamped that much ahead of this clock until the server has been stopped for as long, or the clock is right`,
  );
}

function roughly(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  return s < 172_800 ? `${Math.round(s / 3600)} h` : `${Math.round(s / 86_400)} days`;
}
