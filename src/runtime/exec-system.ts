// The actor system, wired: the supervisor with its terminals, the exec adapter behind them, the
// clock, the event log and its projections. Everything that happens enters through here and
// leaves as a fact in the log. Opening replays an existing log first: the same inputs at the same
// times rebuild the same actors; sessions that were live when the last process stopped come back
// as disconnected ("restarted").
import { createActor, type Snapshot } from 'xstate';
import type { ExecAdapter } from '../adapters/exec.ts';
import type { BatchAction, SkippedTarget } from '../domain/batch.ts';
import type { ExecAction } from '../domain/exec-action.ts';
import type { ExecTarget } from '../domain/target.ts';
import type { LogDamage, LogEntry } from '../events/log-entry.ts';
import { applyEntries } from '../events/projection.ts';
import { alertsProjection, type Alerts } from '../events/projections/alerts.ts';
import { auditTrailProjection, type AuditTrail } from '../events/projections/audit-trail.ts';
import { batchesProjection, type Batches } from '../events/projections/batches.ts';
import { sessionListProjection, type SessionList } from '../events/projections/session-list.ts';
import { inputOf } from '../events/replay.ts';
import type { EventStore } from '../events/store.ts';
import type { Fact } from '../machines/facts.ts';
import { supervisorMachine, type SupervisorConfig, type SupervisorEvent } from '../machines/supervisor.ts';
import { terminalMachine } from '../machines/terminal.ts';
import { RealTimeClock, type VirtualClock } from './clock.ts';
import { execStreamActor } from './exec-stream-actor.ts';
import { TerminalIo } from './terminal-io.ts';

export interface ExecSystemOptions {
  adapter: ExecAdapter;
  store: EventStore;
  config?: Partial<SupervisorConfig>;
  /** makes the clock, starting at `start` (the first logged time when replaying); default real time */
  clock?: (start: number) => VirtualClock;
  /** where warnings go (a damaged log, a replay that diverged) */
  warn?: (message: string) => void;
}

export type ExecResult = { requestId: string; sessionIds: string[] } | { requestId: string; refused: string };

export interface ReplayReport {
  entries: number;
  damage: LogDamage[];
  /** the first fact the machines derived differently from the log, if any */
  divergence?: string;
}

export class ExecSystem {
  readonly io = new TerminalIo();
  readonly clock: VirtualClock;
  readonly replayReport: ReplayReport;
  #supervisor;
  #store: EventStore;
  #entries: LogEntry[] = [];
  #listeners = new Set<(entry: LogEntry) => void>();
  #replaying = false;
  #replayed: Fact[] = [];
  #sessionList: SessionList = sessionListProjection.initial();
  #audit: AuditTrail = auditTrailProjection.initial();
  #alerts: Alerts = alertsProjection.initial();
  #batches: Batches = batchesProjection.initial();
  /** entries not yet folded into the projections: they are folded in one go when one is read */
  #unprojected: LogEntry[] = [];

  /** Open a system on a store: replay what it holds, then mark the sessions it left live as disconnected. */
  static open(options: ExecSystemOptions): ExecSystem {
    const system = new ExecSystem(options, { restore: true });
    return system;
  }

  /** Replay a store into a fresh system and stop there, live sessions and all (for determinism checks). */
  static replayOnly(options: ExecSystemOptions): ExecSystem {
    return new ExecSystem(options, { restore: false });
  }

  private constructor(options: ExecSystemOptions, how: { restore: boolean }) {
    this.#store = options.store;
    const { entries, damage } = options.store.load();
    const warn = options.warn ?? ((message: string) => console.warn(`octant-exec: ${message}`));
    for (const problem of damage) warn(`event log line ${problem.line} skipped: ${problem.problem}`);
    this.clock = (options.clock ?? ((start) => new RealTimeClock(Date.now, start)))(entries[0]?.time ?? Date.now());
    const terminal = terminalMachine.provide({
      actors: {
        execStream: execStreamActor({
          adapter: options.adapter,
          io: this.io,
          clock: this.clock,
          replaying: () => this.#replaying,
        }),
      },
    });
    this.#supervisor = createActor(supervisorMachine.provide({ actors: { terminal } }), {
      input: options.config ?? {},
      clock: this.clock,
    });
    this.#supervisor.on('*', (fact) => (this.#replaying ? this.#replayed.push(fact) : this.#record(fact)));
    this.#supervisor.start();
    this.replayReport = { entries: entries.length, damage, divergence: this.#replay(entries) };
    if (this.replayReport.divergence) warn(`replay diverged from the log: ${this.replayReport.divergence}`);
    if (how.restore) this.#send({ type: 'DISCONNECT_ALL', reason: 'restarted' });
  }

  #replay(entries: LogEntry[]): string | undefined {
    this.#replaying = true;
    try {
      for (const entry of entries) {
        this.clock.advanceTo(entry.time);
        const input = inputOf(entry);
        if (input) this.#supervisor.send(input);
      }
      this.#unprojected = this.#unprojected.concat(entries); // not push(...entries): a long log overflows the stack
    } finally {
      this.#replaying = false;
    }
    this.#entries = entries;
    return firstDifference(entries, this.#replayed);
  }

  #record(fact: Fact): void {
    const entry = { ...fact, seq: (this.#entries.at(-1)?.seq ?? 0) + 1, time: this.clock.now() } as LogEntry;
    this.#store.append(entry);
    this.#entries.push(entry);
    this.#unprojected.push(entry);
    for (const listener of this.#listeners) listener(entry);
  }

  #projected(): void {
    if (this.#unprojected.length === 0) return;
    const entries = this.#unprojected;
    this.#unprojected = [];
    this.#sessionList = applyEntries(sessionListProjection, this.#sessionList, entries);
    this.#audit = applyEntries(auditTrailProjection, this.#audit, entries);
    this.#alerts = applyEntries(alertsProjection, this.#alerts, entries);
    this.#batches = applyEntries(batchesProjection, this.#batches, entries);
  }

  #send(event: SupervisorEvent): void {
    this.clock.sync();
    this.#supervisor.send(event);
  }

  /** Start an exec action; `containers` is its target resolved against the pod. */
  exec(action: ExecAction, containers: string[]): ExecResult {
    let result: ExecResult | undefined;
    const stop = this.onEntry((entry) => {
      if (entry.type === 'exec.requested' && !result) result = { requestId: entry.requestId, sessionIds: entry.sessionIds };
      if (entry.type === 'exec.refused' && !result) result = { requestId: entry.requestId, refused: entry.message };
    });
    try {
      this.#send({ type: 'EXEC', action, containers });
    } finally {
      stop();
    }
    return result!;
  }

  /** Run one command in many containers, `concurrency` at a time; returns the batch id. */
  batch(action: BatchAction, targets: ExecTarget[], skipped: SkippedTarget[]): string {
    let batchId = '';
    const stop = this.onEntry((entry) => {
      if (entry.type === 'batch.started' && !batchId) batchId = entry.batchId;
    });
    try {
      this.#send({ type: 'BATCH', action, targets, skipped });
    } finally {
      stop();
    }
    return batchId;
  }

  resize(sessionId: string, cols: number, rows: number): void {
    this.#send({ type: 'RESIZE', sessionId, cols, rows });
  }

  restart(sessionId: string): void {
    this.#send({ type: 'RESTART', sessionId });
  }

  close(sessionId: string): void {
    this.#send({ type: 'CLOSE', sessionId });
  }

  closeAllEnded(): void {
    this.#send({ type: 'CLOSE_ALL_ENDED' });
  }

  /** A terminal's pod went away: its exec is over for that reason. */
  podDeleted(sessionId: string): void {
    this.#send({ type: 'DELIVER', sessionId, event: { type: 'DISCONNECT', reason: 'podDeleted' } });
  }

  /** End every exec (the server is stopping). The log keeps why. */
  shutdown(): void {
    this.#send({ type: 'DISCONNECT_ALL', reason: 'serverShutdown' });
    this.#supervisor.stop();
    this.#store.close();
  }

  onEntry(listener: (entry: LogEntry) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get sessionList(): SessionList {
    this.#projected();
    return this.#sessionList;
  }

  get auditTrail(): AuditTrail {
    this.#projected();
    return this.#audit;
  }

  get alerts(): Alerts {
    this.#projected();
    return this.#alerts;
  }

  get batches(): Batches {
    this.#projected();
    return this.#batches;
  }

  /** Entries with seq > `after`, at most `limit` of them. */
  entries(after = 0, limit = Infinity): LogEntry[] {
    const start = this.#entries.findIndex((entry) => entry.seq > after);
    return start < 0 ? [] : this.#entries.slice(start, start + limit);
  }

  /** The live snapshot of the supervisor and every terminal, for the inspector and for tests. */
  snapshots(): { supervisor: { value: unknown; context: unknown }; terminals: Record<string, { value: unknown; context: unknown }> } {
    const snapshot = this.#supervisor.getSnapshot();
    const terminals: Record<string, { value: unknown; context: unknown }> = {};
    for (const [id, child] of Object.entries(snapshot.children)) {
      const childSnapshot = (child as { getSnapshot(): Snapshot<unknown> & { value: unknown; context: unknown } } | undefined)?.getSnapshot();
      if (childSnapshot) terminals[id] = { value: childSnapshot.value, context: childSnapshot.context };
    }
    return { supervisor: { value: snapshot.value, context: snapshot.context }, terminals };
  }
}

function firstDifference(logged: LogEntry[], replayed: Fact[]): string | undefined {
  const count = Math.max(logged.length, replayed.length);
  for (let i = 0; i < count; i++) {
    const { seq: _seq, time: _time, ...fact } = logged[i] ?? ({} as LogEntry);
    if (JSON.stringify(fact) !== JSON.stringify(replayed[i])) {
      return `entry ${i + 1}: logged ${JSON.stringify(logged[i]?.type)}, replay derived ${JSON.stringify(replayed[i]?.type)}`;
    }
  }
  return undefined;
}
