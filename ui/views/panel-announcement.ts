// What a screen reader hears of a terminal's state, once per change, from a polite live region
// in its panel: that it exited and how (a timeout, a drop or a failure raises an alert, which is
// heard already; an exit raised nothing), and once that its idle countdown began. The ticking
// seconds are a timer (not read out each second); a live region that changed every second would
// talk over everything else for a minute.
import type { SessionRow } from '../../src/protocol/index.ts';
import { badge, isEnded } from '../state/app-state.ts';

export function panelAnnouncement(row: SessionRow, counting: boolean): string {
  if (row.state === 'exited') return `The terminal ${badge(row).text}`;
  return counting && !isEnded(row) ? 'No activity: the terminal ends within a minute unless you type.' : '';
}
