// What the shared store's tests append and what they see come back: simple entries that say who
// wrote them, and listeners that keep everything delivered to them.
import type { LogEntry } from '../../src/events/log-entry.ts';
import type { SharedStore, SharedStoreListeners, UnnumberedEntry } from '../../src/events/shared-store.ts';

/** A fact naming its writer and its number: `session.resized` of session `<writer>-<n>`. */
export function entry(writer: string, n: number): UnnumberedEntry {
  return { type: 'session.resized', sessionId: `${writer}-${n}`, cols: n, rows: 1, time: 1_700_000_000_000 + n };
}

export function entries(writer: string, from: number, count: number): UnnumberedEntry[] {
  return Array.from({ length: count }, (_, i) => entry(writer, from + i));
}

/** The session id of a delivered entry (all of the tests' entries have one). */
export function idOf(delivered: LogEntry): string {
  return (delivered as { sessionId: string }).sessionId;
}

export interface Recorder extends SharedStoreListeners {
  delivered: LogEntry[];
  availabilities: (string | undefined)[];
  leaseLosses: number;
}

export function recorder(): Recorder {
  const record: Recorder = {
    delivered: [],
    availabilities: [],
    leaseLosses: 0,
    entries: (entries) => record.delivered.push(...entries),
    availability: (problem) => record.availabilities.push(problem),
    leaseLost: () => record.leaseLosses++,
  };
  return record;
}

/** A store, started and listened to from the beginning, with what it delivers recorded. */
export async function listening<S extends SharedStore>(store: S): Promise<{ store: S; seen: Recorder }> {
  const seen = recorder();
  const start = await store.start(() => true);
  seen.delivered.push(...start.entries);
  store.listen(seen, start.entries.at(-1)?.seq ?? start.snapshot?.seq ?? 0);
  return { store, seen };
}
