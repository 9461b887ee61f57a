// For each terminal whose current run is live: what a start needs to bring it back. A snapshot
// keeps these, because a live terminal cannot be restored from a persisted xstate snapshot (its
// `after` timers would not be re-armed, xstate issue 5331): it is rebuilt instead by replaying
// its run, which arms its timers the way they were armed.
//
// Not every input of the run is needed, so a busy terminal's snapshot does not grow with its age:
// - the run's start, each failed attempt and each CONNECTED: they (re)enter `running` or `live`
//   and arm the connect timeout, the deadline and the idle timers (a few per run: one per shell);
// - of the ACTIVITY since the last of those, the latest: each re-enters `live`, restarting both
//   idle timers from its own moment and setting `quietMs`, so it undoes whatever the earlier
//   ones did (going idle and active again is derived, and a start logs nothing it derives);
// - of the RESIZEs, the latest: a size is all they leave, in the context;
// - no refused RESTART, no recording fact: the supervisor only reports them.
// Replayed alone, the latest ACTIVITY would come too late: the idle timeout armed by the entry
// before it could fall due first. `seedingSteps` therefore holds the idle timers off from that
// entry to it (an ACTIVITY whose activity is still to come, overwritten by the real one).
import { isServerFact } from '../machines/facts.ts';
import { RUN_ENDING_FACTS } from '../domain/run-endings.ts';
import type { LogEntry } from '../events/log-entry.ts';
import { inputOf } from '../events/replay.ts';
import type { SupervisorEvent } from '../machines/supervisor.ts';

/** inputs that change nothing a later one of their kind does not set again */
const replaced = new Set(['session.activity', 'session.resized']);

export class LiveRuns {
  readonly #runs = new Map<string, LogEntry[]>();

  /** Picks up where a snapshot's runs left off. */
  constructor(seeds: LogEntry[] = []) {
    for (const entry of seeds) this.observe(entry);
  }

  observe(entry: LogEntry): void {
    if (!('sessionId' in entry)) return;
    if (isRunStart(entry)) return void this.#runs.set(entry.sessionId, [entry]);
    if (endsRun(entry)) return void this.#runs.delete(entry.sessionId);
    const run = this.#runs.get(entry.sessionId);
    // the server's own facts (shares, recordings) are its decisions, not the run's inputs: a seeded run needs none of them
    if (!run || !inputOf(entry) || entry.type === 'session.restartRefused' || isServerFact(entry)) return;
    if (replaced.has(entry.type)) {
      // A resize replaces the last resize; an activity the last activity since the run last (re)entered `running` or `live`.
      const previous = run.findLastIndex((e) => e.type === entry.type || (entry.type === 'session.activity' && !replaced.has(e.type)));
      if (run[previous]?.type === entry.type) run.splice(previous, 1);
    }
    run.push(entry);
  }

  /** Every live run's entries, in log order. */
  entries(): LogEntry[] {
    return [...this.#runs.values()].flat().sort((a, b) => a.seq - b.seq);
  }
}

/** An entry after which the session's run is over: it ended, or the session closed (which ends a running one). */
export function endsRun(entry: LogEntry): boolean {
  return RUN_ENDING_FACTS.has(entry.type) || entry.type === 'session.closed';
}

/** The entry a run begins with: its terminal was spawned, or restarted. */
export function isRunStart(entry: LogEntry): entry is Extract<LogEntry, { type: 'session.spawned' | 'session.restarted' }> {
  return entry.type === 'session.spawned' || entry.type === 'session.restarted';
}

/** One step of bringing a live terminal back: at `time`, restart its parked terminal, or send `event`. */
export type SeedingStep = { time: number; sessionId: string } & ({ restart: true } | { event: SupervisorEvent });

/** The steps that rebuild the live runs `entries` (LiveRuns.entries()), in order. */
export function* seedingSteps(entries: LogEntry[]): Generator<SeedingStep, void, undefined> {
  // For an entry that arms the idle timers (CONNECTED, ACTIVITY): its session's next ACTIVITY, if nothing that matters to a timer comes between.
  const heldUntil = new Map<LogEntry, number>();
  const arming = new Map<string, LogEntry>();
  for (const entry of entries) {
    const sessionId = (entry as { sessionId: string }).sessionId;
    if (entry.type === 'session.resized' || entry.type === 'session.restartRefused') continue;
    const armed = arming.get(sessionId);
    if (armed && entry.type === 'session.activity' && entry.time > armed.time) heldUntil.set(armed, entry.time);
    if (entry.type === 'session.connected' || entry.type === 'session.activity') arming.set(sessionId, entry);
    else arming.delete(sessionId);
  }
  for (const entry of entries) {
    const sessionId = (entry as { sessionId: string }).sessionId;
    yield isRunStart(entry) ? { time: entry.time, sessionId, restart: true } : { time: entry.time, sessionId, event: inputOf(entry)! };
    const until = heldUntil.get(entry);
    if (until !== undefined) yield { time: entry.time, sessionId, event: { type: 'DELIVER', sessionId, event: { type: 'ACTIVITY', quietMs: entry.time - until } } };
  }
}
