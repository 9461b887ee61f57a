// "ends in N s unless you type": an idle terminal's last minute, ticking each second while the
// terminal is idle (the clock runs only then); activity makes the row live again and it goes.
import { useEffect, useState } from 'preact/hooks';
import type { SessionRow } from '../../src/protocol/index.ts';
import { countdownText, idleSecondsLeft } from '../state/idle-countdown.ts';
import { useAppState } from './context.ts';

/** The countdown's words for this row now, or undefined when none shows. */
export function useIdleCountdown(row: SessionRow): string | undefined {
  const offset = useAppState().serverClockOffsetMs;
  const [now, setNow] = useState(() => Date.now());
  const idle = row.state === 'idle';
  useEffect(() => {
    if (!idle) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [idle, row.sessionId]);
  const seconds = idle ? idleSecondsLeft(row, now, offset) : undefined;
  return seconds === undefined ? undefined : countdownText(seconds);
}
