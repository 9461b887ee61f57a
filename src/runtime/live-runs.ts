// For each terminal whose current run is live: the entry that started the run and every input
// it has had since. A snapshot keeps these, because a live terminal cannot be restored from a
// persisted xstate snapshot (its `after` timers would not be re-armed, xstate issue 5331): it is
// rebuilt instead by replaying its run, which arms its timers the way they were armed.
import type { LogEntry } from '../events/log-entry.ts';
import { inputOf } from '../events/replay.ts';

const runEnds = new Set(['session.exited', 'session.failed', 'session.timedOut', 'session.disconnected', 'session.closed']);

export class LiveRuns {
  readonly #runs = new Map<string, LogEntry[]>();

  /** Picks up where a snapshot's runs left off. */
  constructor(seeds: LogEntry[] = []) {
    for (const entry of seeds) this.observe(entry);
  }

  observe(entry: LogEntry): void {
    if (!('sessionId' in entry)) return;
    if (isRunStart(entry)) this.#runs.set(entry.sessionId, [entry]);
    else if (runEnds.has(entry.type)) this.#runs.delete(entry.sessionId);
    else if (inputOf(entry)) this.#runs.get(entry.sessionId)?.push(entry);
  }

  /** Every live run's entries, in log order. */
  entries(): LogEntry[] {
    return [...this.#runs.values()].flat().sort((a, b) => a.seq - b.seq);
  }
}

/** The entry a run begins with: its terminal was spawned, or restarted. */
export function isRunStart(entry: LogEntry): entry is Extract<LogEntry, { type: 'session.spawned' | 'session.restarted' }> {
  return entry.type === 'session.spawned' || entry.type === 'session.restarted';
}
