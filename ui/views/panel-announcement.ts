// What a screen reader hears of a terminal's state, once per change, from a polite live region
// in its panel: that it ended and how (exited 3, failed: why; the alerts say timeouts and drops,
// but an exit had no words at all), and once that its idle countdown began. The ticking seconds
// are a timer (not read out each second); a live region that changed every second would talk
// over everything else for a minute.
import type { SessionRow } from '../../src/protocol/index.ts';
import { badge, isEnded } from '../state/app-state.ts';

export function panelAnnouncement(row: SessionRow, counting: boolean): string {
  if (isEnded(row)) {
    const b = badge(row);
    return `The terminal ${b.text}${b.detail ? `: ${b.detail}` : ''}`;
  }
  return counting ? 'No activity: the terminal ends within a minute unless you type.' : '';
}
