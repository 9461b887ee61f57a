// How a file log's start brings the actors back (the shared log's replicas start empty):
// - seeding: the terminals a snapshot left live replay their runs' inputs at their logged times
//   (system-snapshot.ts says why), and nothing they report is logged again;
// - replay: the entries after the snapshot go to the machines at their times, and what the
//   machines derive from them must be the log (the matcher compares).
import type { AnyActorRef } from 'xstate';
import { damageWarning, type LogDamage, type LogEntry } from '../events/log-entry.ts';
import { inputOf } from '../events/replay.ts';
import type { EventStore } from '../events/store.ts';
import type { VirtualClock } from './clock.ts';
import { errorText } from './error-text.ts';
import type { ReplayReport } from './exec-system-types.ts';
import type { FactMatcher } from './fact-matcher.ts';
import { seedingSteps, type LiveRuns } from './live-runs.ts';
import type { ProjectionSet } from './projection-set.ts';
import type { SystemState } from './system-snapshot.ts';

/** a replay this long without a snapshot gets a line saying it is under way */
const LONG_REPLAY = 200_000;

export interface ReplayTarget {
  clock: VirtualClock;
  supervisor: AnyActorRef;
  matcher: FactMatcher;
  projections: ProjectionSet;
  liveRuns: LiveRuns;
  warn(message: string): void;
}

/** Live terminals come back by replaying their runs; the clock ends where the snapshot was taken. */
export function seedLiveRuns(clock: VirtualClock, supervisor: AnyActorRef, state: SystemState): void {
  for (const step of seedingSteps(state.liveRuns)) {
    clock.advanceTo(step.time);
    if ('restart' in step) (supervisor.getSnapshot().children[step.sessionId] as AnyActorRef | undefined)?.send({ type: 'RESTART' });
    else supervisor.send(step.event);
  }
  clock.advanceTo(state.clock);
}

/**
 * Entries folded into the projections at a time, each fold checked. The set folds by itself only
 * every 5,000 (projection-set.ts): folding here more often keeps `batch` exactly what it holds
 * unfolded, which a fold that throws loses, the models staying as they were.
 */
const CHECKED_FOLD = 1_000;

/** Replays the entries after `after`; `whole`: there was no snapshot. Returns the report and the last seq read. */
export function replayEntries(target: ReplayTarget, store: EventStore, after: number, whole: boolean): Omit<ReplayReport, 'snapshot'> & { lastSeq: number } {
  const damage: LogDamage[] = [];
  const onDamage = (problem: LogDamage) => {
    damage.push(problem);
    target.warn(damageWarning(problem));
  };
  // The reader checks each entry's shape; this is the net under it: an entry that still trips up a
  // projection (or the clock, the matcher, the live runs) is that entry's damage, and the start
  // goes on without it. An error in the machines is not caught here: xstate rethrows it from a
  // timer, so the shape check is what keeps such entries away from them.
  const unreplayable = (entry: LogEntry, error: unknown) => onDamage({ seq: entry.seq, problem: `it could not be replayed (${errorText(error)})` });
  let batch: LogEntry[] = [];
  const fold = () => {
    try {
      void target.projections.models; // reading them folds what was added
    } catch {
      for (const entry of batch) {
        target.projections.add(entry);
        try {
          void target.projections.models;
        } catch (error) {
          unreplayable(entry, error);
        }
      }
    }
    batch = [];
  };
  let entries = 0;
  let lastSeq = after;
  for (const entry of store.read(after, onDamage)) {
    lastSeq = Math.max(lastSeq, entry.seq); // taken even by an entry skipped: the next append comes after it
    if (++entries === LONG_REPLAY && whole) target.warn('replaying the whole event log once (it has no snapshot yet: a log from octant-exec 0.1.0?); the next start will not');
    try {
      target.clock.advanceTo(entry.time);
      target.matcher.logged(entry);
      const input = inputOf(entry);
      if (input) target.supervisor.send(input);
      target.liveRuns.observe(entry);
    } catch (error) {
      unreplayable(entry, error);
      continue;
    }
    target.projections.add(entry);
    batch.push(entry);
    if (batch.length === CHECKED_FOLD) fold();
  }
  fold();
  return { entries, damage, divergence: target.matcher.finish(), lastSeq };
}
