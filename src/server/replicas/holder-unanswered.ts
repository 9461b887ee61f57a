// What a page or an API caller is told of a terminal whose replica does not answer before that
// replica is known to be lost: its lease ran out, and no replica has claimed it yet (a look of the
// watch, 2 s, and the claimer's write). One paused or cut off for a moment renews its lease and
// goes on, so the terminal is not said to be gone: that it is being checked, and what comes next.
import type { SessionRow } from '../../protocol/index.ts';
import { isRunning } from '../../protocol/terminal-states.ts';

/** The replica a running terminal's row names, when that is another one than `self` (which, then, does not hold it). */
export function otherHolder(row: SessionRow | undefined, self: string | undefined): string | undefined {
  return row?.replica && row.replica !== self && isRunning(row.state) ? row.replica : undefined;
}

/** A sentence's end: replica `replica`, which runs the terminal, does not answer, and what is done about it. */
export function beingChecked(replica: string): string {
  return `runs on another octant-exec replica, ${replica}, which does not answer now: whether it has stopped is being checked, and if it has, this terminal is marked disconnected within a few seconds`;
}
