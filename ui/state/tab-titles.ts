// Tabs of one name told apart. Two `sh` terminals in one container would look the same, so the
// second of a name is "nginx: sh (2)", the third "(3)", in the order they were opened, as a
// browser numbers two downloads of one name. Numbered among the terminals open now, from the
// list alone: the same list gives the same names on every page and after a reload (closing the
// first renumbers the rest, which keeps no counter to go stale).
import type { SessionRow } from '../../src/protocol/index.ts';
import { sessionsOfPod, tabName, type AppState } from './app-state.ts';

/** Each row's place among the rows of its name, from 1, in the order given. */
export function ordinals(rows: readonly SessionRow[], name: (row: SessionRow) => string): Record<string, number> {
  const seen = new Map<string, number>();
  const result: Record<string, number> = {};
  for (const row of rows) {
    const n = (seen.get(name(row)) ?? 0) + 1;
    seen.set(name(row), n);
    result[row.sessionId] = n;
  }
  return result;
}

/** What tells the nth of a name apart: nothing for the first, " (2)" for the second. */
export function ordinalSuffix(n: number | undefined): string {
  return n !== undefined && n > 1 ? ` (${n})` : '';
}

/** A terminal's name as its tab in its pod's view shows it (a debug copy's tabs are in the original pod's view). */
export function podTabTitle(state: AppState, row: SessionRow): string {
  const pod = row.mode?.kind === 'copy' && row.mode.source ? row.mode.source : row.target.pod;
  const rows = sessionsOfPod(state, { context: row.target.context, namespace: row.target.namespace, pod });
  return tabName(row) + ordinalSuffix(ordinals(rows, tabName)[row.sessionId]);
}
