// Which of a store's snapshots can start a system: whole (the store checks its bytes), in the
// format this version reads, holding what a start needs. What is wrong with the others is said,
// naming each, and they are passed over: never a crash, and the log itself is untouched.
import { createActor, type Snapshot } from 'xstate';
import type { LogEntry } from '../events/log-entry.ts';
import type { EventStore } from '../events/store.ts';
import { supervisorMachine } from '../machines/supervisor.ts';
import { errorText } from './error-text.ts';
import { SNAPSHOT_FORMAT, isSystemState, type SystemState } from './system-snapshot.ts';

export interface UsableSnapshot {
  name: string;
  seq: number;
  state: SystemState;
}

/** Usable snapshots, newest first, each read only when reached. */
export function* usableSnapshots(store: EventStore, warn: (message: string) => void): Generator<UsableSnapshot, void, undefined> {
  for (const stored of store.snapshots()) {
    let snapshot;
    try {
      snapshot = stored.load();
    } catch (error) {
      warn(`${stored.name} skipped: ${(error as Error).message}`);
      continue;
    }
    let problem: string | undefined;
    if (snapshot.format !== SNAPSHOT_FORMAT) warn(`${stored.name} skipped: it is in format ${snapshot.format}, and this octant-exec reads format ${SNAPSHOT_FORMAT}`);
    else if (!isSystemState(snapshot.state)) warn(`${stored.name} skipped: it does not hold what a start needs`);
    else if ((problem = restoreProblem(snapshot.state))) warn(`${stored.name} skipped: its actors cannot be restored (${problem})`);
    else yield { name: stored.name, seq: snapshot.seq, state: snapshot.state };
  }
}

/** Why xstate cannot restore the snapshot's actors (a state it does not know, say), if it cannot: tried on actors never started. */
function restoreProblem(state: SystemState): string | undefined {
  try {
    const restored = createActor(supervisorMachine, { input: {}, snapshot: state.supervisor as unknown as Snapshot<unknown> }).getSnapshot();
    if (restored.status === 'error') return errorText(restored.error);
    for (const [id, child] of Object.entries(restored.children)) {
      const terminal = (child as { getSnapshot(): { status: string; error?: unknown } } | undefined)?.getSnapshot();
      if (terminal?.status === 'error') return `${id}: ${errorText(terminal.error)}`;
    }
    return undefined;
  } catch (error) {
    return errorText(error);
  }
}

/** How far compaction may go: the second newest usable snapshot, so a start still has one to fall back on. */
export function compactionBase(store: EventStore, warn: (message: string) => void): number | undefined {
  let usable = 0;
  for (const snapshot of usableSnapshots(store, warn)) if (++usable === 2) return snapshot.seq;
  return undefined;
}

/** The newest usable snapshot a start may begin from; throws when the log needs one and none is usable. */
export function startingSnapshot(store: EventStore, warn: (message: string) => void): UsableSnapshot | undefined {
  const through = store.compactedThrough();
  for (const snapshot of usableSnapshots(store, warn)) if (snapshot.seq >= through) return snapshot;
  if (through > 0) {
    throw new Error(
      `the event log was compacted through entry ${through}, and no snapshot at or after it can be read (see above): restore the snapshots from a backup, or start with another --state-dir. Nothing was changed.`,
    );
  }
  return undefined;
}

/** Where a whole replay begins (its time starts the clock). */
export function firstEntry(store: EventStore): LogEntry | undefined {
  for (const entry of store.read(0)) return entry;
  return undefined;
}
