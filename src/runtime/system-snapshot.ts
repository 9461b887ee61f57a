// What a snapshot of the actor system holds, and how its machines are put back.
// - The supervisor as xstate persists it (its context and its terminals). A terminal that has
//   ended is at rest, with no timer, and restores exactly.
// - A terminal whose run is live has `after` timers, which xstate does not re-arm on restore
//   (issue 5331). It is stored "parked": in `disconnected`, one run back. A start restarts it at
//   its run's first moment and replays its run's inputs at their logged times (`liveRuns`), so
//   the machine arms its own timers exactly as it did. Its facts are not logged again.
// - The projections, as they were.
// - `clock`: the time it was taken, when every timer due by then had fired.
import type { LogEntry } from '../events/log-entry.ts';
import type { SupervisorConfig, SupervisorContext } from '../machines/supervisor.ts';
import type { TerminalContext } from '../machines/terminal.ts';
import type { ProjectionModels } from './projection-set.ts';

/** The version of SystemState: a snapshot in another is skipped (and a full replay or an older snapshot used). */
export const SNAPSHOT_FORMAT = 1;

export interface PersistedTerminal {
  snapshot: { value: unknown; context: TerminalContext; children: Record<string, unknown> } & Record<string, unknown>;
  src: string;
}

export interface PersistedSupervisor extends Record<string, unknown> {
  context: SupervisorContext;
  children: Record<string, PersistedTerminal>;
}

export interface SystemState {
  clock: number;
  supervisor: PersistedSupervisor;
  liveRuns: LogEntry[];
  projections: ProjectionModels;
}

/** The version of SharedState, a shared log's snapshot (a store of its own: never mixed with SystemState). */
export const SHARED_SNAPSHOT_FORMAT = 1;

/** A shared log's snapshot: only the projections. A replica's machines start empty; nothing of them is the others' to restore. */
export interface SharedState {
  clock: number;
  projections: ProjectionModels;
}

/** The persisted supervisor with every live terminal parked: ended, one run back, nothing running. */
export function parkLiveTerminals(persisted: PersistedSupervisor): PersistedSupervisor {
  const children = Object.fromEntries(
    Object.entries(persisted.children).map(([id, child]) => {
      if (!persisted.context.sessions[id]?.live) return [id, child];
      const { snapshot } = child;
      return [id, { ...child, snapshot: { ...snapshot, value: 'disconnected', children: {}, context: { ...snapshot.context, run: snapshot.context.run - 1 } } }];
    }),
  );
  return { ...persisted, children };
}

/** What a file log's snapshot holds now: every live terminal parked (see above). */
export function systemState(clock: number, persisted: unknown, liveRuns: LogEntry[], projections: ProjectionModels): SystemState {
  return { clock, supervisor: parkLiveTerminals(persisted as PersistedSupervisor), liveRuns, projections };
}

/** Enough of a SystemState's shape to try restoring it (its bytes were checked by the store). */
export function isSystemState(value: unknown): value is SystemState {
  const state = value as Partial<SystemState> | null;
  return (
    typeof state?.clock === 'number' &&
    typeof state.supervisor?.context?.sessions === 'object' &&
    typeof state.supervisor.children === 'object' &&
    Array.isArray(state.liveRuns) &&
    ['sessionList', 'auditTrail', 'alerts', 'batches'].every((name) => typeof (state.projections as Record<string, unknown> | undefined)?.[name] === 'object')
  );
}

/**
 * The snapshot's supervisor, with this start's configuration (flags may have changed since). Each
 * session keeps its owner for the per-person limits (person-limits.ts); a snapshot of a build
 * before those has none, and its sessions take theirs from the session list's rows: without it,
 * everyone's ended terminals counted as one person's, and one end closed the oldest of them all.
 */
export function restoredSupervisor(state: SystemState, config: SupervisorConfig): PersistedSupervisor {
  const { context } = state.supervisor;
  const rows = state.projections.sessionList.byId;
  const owned = (id: string) => rows[id]?.person?.user;
  const sessions = Object.fromEntries(Object.entries(context.sessions).map(([id, session]) => [id, session.owner === undefined && owned(id) !== undefined ? { ...session, owner: owned(id) } : session]));
  return { ...state.supervisor, context: { ...context, config, sessions } };
}
