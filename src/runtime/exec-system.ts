// The actor system, wired: the supervisor with its terminals, the exec adapter behind them, the
// clock, the event log and its projections. Everything that happens enters through here and
// leaves as a fact in the log. Opening starts from the newest usable snapshot and replays only
// the entries after it (a 0.1.0 log, with no snapshot, is replayed whole once): the same inputs
// at the same times rebuild the same actors. Sessions that were live when the last process
// stopped come back as disconnected ("restarted"). Every so often, and on shutdown, a snapshot
// is written, so a start costs the same after a day or after a year.
import { createActor, type AnyActorRef, type Snapshot as ActorSnapshot } from 'xstate';
import type { ExecAdapter } from '../adapters/exec.ts';
import type { BatchAction, SkippedTarget } from '../domain/batch.ts';
import type { ExecAction } from '../domain/exec-action.ts';
import type { ExecTarget } from '../domain/target.ts';
import type { LogDamage, LogEntry } from '../events/log-entry.ts';
import type { Alert, Alerts } from '../events/projections/alerts.ts';
import type { AuditTrail } from '../events/projections/audit-trail.ts';
import type { Batches } from '../events/projections/batches.ts';
import type { SessionList } from '../events/projections/session-list.ts';
import { inputOf } from '../events/replay.ts';
import type { EventStore } from '../events/store.ts';
import type { Fact } from '../machines/facts.ts';
import { defaultSupervisorConfig, supervisorMachine, type SupervisorConfig, type SupervisorEvent } from '../machines/supervisor.ts';
import { terminalMachine } from '../machines/terminal.ts';
import { RealTimeClock, type VirtualClock } from './clock.ts';
import { errorText } from './error-text.ts';
import { execStreamActor } from './exec-stream-actor.ts';
import { FactMatcher } from './fact-matcher.ts';
import { LiveRuns, seedingSteps } from './live-runs.ts';
import { LogWriter, RETRY_MS } from './log-writer.ts';
import { ProjectionSet } from './projection-set.ts';
import { firstEntry, startingSnapshot } from './snapshot-choice.ts';
import { SNAPSHOT_FORMAT, parkLiveTerminals, type PersistedSupervisor, type SystemState } from './system-snapshot.ts';
import { TerminalIo } from './terminal-io.ts';

export interface SnapshotPolicy {
  /** write one after this many entries… */
  everyEntries: number;
  /** …or this long after the last one, when anything happened since */
  everyMs: number;
}

/** A start replays at most about `everyEntries` entries after the newest snapshot (bench figure 7). */
export const DEFAULT_SNAPSHOT_POLICY: SnapshotPolicy = { everyEntries: 500, everyMs: 10 * 60_000 };

export interface ExecSystemOptions {
  adapter: ExecAdapter;
  store: EventStore;
  config?: Partial<SupervisorConfig>;
  /** makes the clock, starting at `start` (the first time the start replays); default real time */
  clock?: (start: number) => VirtualClock;
  /** where warnings go (a damaged log or snapshot, a replay that diverged, a disk that is full) */
  warn?: (message: string) => void;
  /** when an opened system writes snapshots; false: never */
  snapshots?: Partial<SnapshotPolicy> | false;
  /** false: ignore snapshots and replay the whole log (to compare the two) */
  fromSnapshot?: boolean;
}

export type ExecResult = { requestId: string; sessionIds: string[] } | { requestId: string; refused: string };
/** `because: 'running'`: the terminal has not ended; else too many terminals run */
export type RestartResult = { run: number } | { refused: string; because?: 'running' };

export interface ReplayReport {
  /** entries replayed: those after the snapshot */
  entries: number;
  damage: LogDamage[];
  /** the first fact the machines derived differently from the log, if any */
  divergence?: string;
  /** the snapshot the start began from */
  snapshot?: { name: string; seq: number };
}

/** a replay this long without a snapshot gets a line saying it is under way */
const LONG_REPLAY = 200_000;

type Mode = 'live' | 'replaying' | 'seeding';

export class ExecSystem {
  readonly io = new TerminalIo();
  readonly replayReport: ReplayReport;
  #clock: VirtualClock;
  #supervisor;
  #store: EventStore;
  #warn: (message: string) => void;
  #writer: LogWriter;
  #projections: ProjectionSet;
  #liveRuns: LiveRuns;
  #lastSeq = 0;
  #mode: Mode = 'live';
  #matcher = new FactMatcher();
  #listeners = new Set<(entry: LogEntry) => void>();
  /** the entries the command being sent has caused so far (see #command) */
  #caused: LogEntry[] | undefined;
  #alertListeners = new Set<() => void>();
  #snapshotListeners = new Set<(seq: number) => void>();
  #storageAlert: Alert | undefined;
  #alertsShown: { from: Alerts; storage: Alert; shown: Alerts } | undefined;
  #snapshotPolicy: SnapshotPolicy | undefined;
  #sinceSnapshot = 0;
  #lastSnapshotAt: number;
  #nextSnapshotTry = -Infinity;
  #snapshotQueued = false;

  /** Open a system on a store: start from its snapshot and log, then mark the sessions it left live as disconnected. */
  static open(options: ExecSystemOptions): ExecSystem {
    return new ExecSystem(options, { restore: true });
  }

  /** Rebuild a system from a store and stop there, live sessions and all (for determinism checks); it writes nothing. */
  static replayOnly(options: ExecSystemOptions): ExecSystem {
    return new ExecSystem(options, { restore: false });
  }

  private constructor(options: ExecSystemOptions, how: { restore: boolean }) {
    this.#store = options.store;
    const warn = (this.#warn = options.warn ?? ((message: string) => console.warn(`octant-exec: ${message}`)));
    this.#writer = new LogWriter(options.store, (problem) => this.#storageProblem(problem));
    const start = options.fromSnapshot === false ? undefined : startingSnapshot(options.store, warn);
    const makeClock = options.clock ?? ((time) => new RealTimeClock(Date.now, time));
    this.#clock = makeClock(start ? Math.min(start.state.liveRuns[0]?.time ?? Infinity, start.state.clock) : (firstEntry(options.store)?.time ?? Date.now()));
    const terminal = terminalMachine.provide({
      actors: { execStream: execStreamActor({ adapter: options.adapter, io: this.io, clock: this.#clock, replaying: () => this.#mode !== 'live' }) },
    });
    const machine = supervisorMachine.provide({ actors: { terminal } });
    const input = options.config ?? {};
    // The configuration is this start's (flags may have changed since the snapshot); the rest is the snapshot's.
    const restored = start && { ...start.state.supervisor, context: { ...start.state.supervisor.context, config: { ...defaultSupervisorConfig, ...input } } };
    this.#supervisor = createActor(machine, { input, clock: this.#clock, ...(restored ? { snapshot: restored as unknown as ActorSnapshot<unknown> } : {}) });
    this.#supervisor.on('*', (fact) => this.#fact(fact));
    this.#projections = new ProjectionSet(start?.state.projections);
    this.#liveRuns = new LiveRuns(start?.state.liveRuns);
    this.#lastSeq = start?.seq ?? 0;
    this.#supervisor.start();
    if (start) this.#seed(start.state);
    this.replayReport = { ...this.#replay(start?.seq ?? 0, !start), ...(start ? { snapshot: { name: start.name, seq: start.seq } } : {}) };
    if (this.replayReport.divergence) warn(`replay diverged from the log: ${this.replayReport.divergence}`);
    this.#lastSnapshotAt = this.#clock.now();
    if (!how.restore) return;
    if (options.snapshots !== false) this.#snapshotPolicy = { ...DEFAULT_SNAPSHOT_POLICY, ...options.snapshots };
    this.#sinceSnapshot = this.replayReport.entries;
    // Not #send: syncing first would fire the replay's timers (idle, connect, a deadline) across the
    // downtime, ending as timed out or failed what the server simply lost. Stamped with the last time
    // the log vouches for (when the old process died is not known), it replays exactly.
    this.#supervisor.send({ type: 'DISCONNECT_ALL', reason: 'restarted' });
  }

  /** Live terminals come back by replaying their runs (see system-snapshot.ts); nothing they report is logged again. */
  #seed(state: SystemState): void {
    this.#mode = 'seeding';
    try {
      for (const step of seedingSteps(state.liveRuns)) {
        this.#clock.advanceTo(step.time);
        if ('restart' in step) (this.#supervisor.getSnapshot().children[step.sessionId] as AnyActorRef | undefined)?.send({ type: 'RESTART' });
        else this.#supervisor.send(step.event);
      }
      this.#clock.advanceTo(state.clock);
    } finally {
      this.#mode = 'live';
    }
  }

  /** Replays the entries after `after`: inputs go to the machines at their times, and what they derive must be the log. */
  #replay(after: number, whole: boolean): Omit<ReplayReport, 'snapshot'> {
    const damage: LogDamage[] = [];
    const onDamage = (problem: LogDamage) => {
      damage.push(problem);
      this.#warn(`event log: ${problem.file} line ${problem.line} skipped: ${problem.problem}`);
    };
    let entries = 0;
    this.#mode = 'replaying';
    try {
      for (const entry of this.#store.read(after, onDamage)) {
        this.#clock.advanceTo(entry.time);
        this.#matcher.logged(entry);
        const input = inputOf(entry);
        if (input) this.#supervisor.send(input);
        this.#projections.add(entry);
        this.#liveRuns.observe(entry);
        this.#lastSeq = Math.max(this.#lastSeq, entry.seq);
        if (++entries === LONG_REPLAY && whole) this.#warn('replaying the whole event log once (it has no snapshot yet: a log from octant-exec 0.1.0?); the next start will not');
      }
    } finally {
      this.#mode = 'live';
    }
    return { entries, damage, divergence: this.#matcher.finish() };
  }

  #fact(fact: Fact): void {
    if (this.#mode === 'replaying') this.#matcher.derived(fact);
    else if (this.#mode === 'live') this.#record(fact);
  }

  #record(fact: Fact): void {
    const entry = { ...fact, seq: ++this.#lastSeq, time: this.#clock.now() } as LogEntry;
    this.#writer.append(entry);
    this.#caused?.push(entry);
    this.#projections.add(entry);
    this.#liveRuns.observe(entry);
    for (const listener of this.#listeners) listener(entry);
    this.#sinceSnapshot++;
    this.#snapshotWhenDue();
  }

  #snapshotWhenDue(): void {
    const policy = this.#snapshotPolicy;
    if (!policy || this.#snapshotQueued || this.#clock.now() < this.#nextSnapshotTry) return;
    if (this.#sinceSnapshot < policy.everyEntries && this.#clock.now() - this.#lastSnapshotAt < policy.everyMs) return;
    // Once the current step is over: in the middle of one, the actors are between two states.
    this.#snapshotQueued = true;
    queueMicrotask(() => {
      this.#snapshotQueued = false;
      if (this.#snapshotPolicy) this.writeSnapshot(); // unless shut down meanwhile
    });
  }

  /**
   * Writes a snapshot of everything up to the last entry, when there is anything new, the log
   * is all on the disk, and no timer is due (so a start can take up exactly here). Returns
   * whether it wrote one; a failure (a full disk) is told and tried again a little later.
   */
  writeSnapshot(): boolean {
    if (this.#sinceSnapshot === 0 || this.#writer.waiting.length > 0 || this.#clock.hasTimerDueBy(this.#clock.now())) return false;
    const state: SystemState = {
      clock: this.#clock.now(),
      supervisor: parkLiveTerminals(this.#supervisor.getPersistedSnapshot() as unknown as PersistedSupervisor),
      liveRuns: this.#liveRuns.entries(),
      projections: this.#projections.models,
    };
    try {
      this.#store.putSnapshot({ seq: this.#lastSeq, format: SNAPSHOT_FORMAT, time: this.#clock.now(), state });
    } catch (error) {
      this.#warn(`no snapshot written (${errorText(error)}): the log is whole, and a snapshot is tried again in ${RETRY_MS / 1000} s`);
      this.#nextSnapshotTry = this.#clock.now() + RETRY_MS;
      return false;
    }
    this.#sinceSnapshot = 0;
    this.#lastSnapshotAt = this.#clock.now();
    for (const listener of this.#snapshotListeners) listener(this.#lastSeq);
    return true;
  }

  #storageProblem(problem: string | undefined): void {
    if (problem === undefined) {
      this.#storageAlert = undefined;
      this.#warn('the event log is written again: every entry that waited is on the disk');
    } else {
      this.#storageAlert = {
        id: 0,
        sessionId: '',
        kind: 'storage',
        message: `The event log cannot be written (${problem}). Terminals keep running; what happens waits in memory and is written as soon as there is room: free some space where the state directory is.`,
        at: this.#clock.now(),
      };
      this.#warn(`the event log cannot be written (${problem}): terminals keep running; entries wait in memory and are tried again every ${RETRY_MS / 1000} s`);
    }
    for (const listener of this.#alertListeners) listener();
  }

  get clock(): VirtualClock {
    return this.#clock;
  }

  #send(event: SupervisorEvent): void {
    this.#clock.sync();
    this.#supervisor.send(event);
  }

  /**
   * Sends a command and returns the entries it caused, in order: the machines take an event to
   * its end synchronously, children included, so a command's result is among them. Each command
   * below reads its answer from these facts; the rules behind it live in the machines alone.
   */
  #command(event: SupervisorEvent): LogEntry[] {
    const outer = this.#caused;
    const caused: LogEntry[] = (this.#caused = []);
    try {
      this.#send(event);
    } finally {
      this.#caused = outer;
    }
    return caused;
  }

  /** Start an exec action; `containers` is its target resolved against the pod. */
  exec(action: ExecAction, containers: string[]): ExecResult {
    for (const entry of this.#command({ type: 'EXEC', action, containers })) {
      if (entry.type === 'exec.requested') return { requestId: entry.requestId, sessionIds: entry.sessionIds };
      if (entry.type === 'exec.refused') return { requestId: entry.requestId, refused: entry.message };
    }
    throw new Error('an exec action caused neither exec.requested nor exec.refused');
  }

  /** Run one command in many containers, `concurrency` at a time; returns the batch id. */
  batch(action: BatchAction, targets: ExecTarget[], skipped: SkippedTarget[]): string {
    const started = this.#command({ type: 'BATCH', action, targets, skipped }).find((entry) => entry.type === 'batch.started');
    if (!started) throw new Error('a batch caused no batch.started');
    return started.batchId;
  }

  resize(sessionId: string, cols: number, rows: number): void {
    this.#send({ type: 'RESIZE', sessionId, cols, rows });
  }

  /** Runs an ended terminal's command again; undefined when there is no such terminal. */
  restart(sessionId: string): RestartResult | undefined {
    for (const entry of this.#command({ type: 'RESTART', sessionId })) {
      if (entry.type === 'session.restarted') return { run: entry.run };
      if (entry.type === 'session.restartRefused') return { refused: entry.message, ...(entry.because ? { because: entry.because } : {}) };
    }
    return undefined;
  }

  /** Closes a terminal (ending its exec if it runs); whether it was there to close. */
  close(sessionId: string): boolean {
    return this.#command({ type: 'CLOSE', sessionId }).some((entry) => entry.type === 'session.closed');
  }

  /** Closes every ended terminal; the ids closed. */
  closeAllEnded(): string[] {
    return this.#command({ type: 'CLOSE_ALL_ENDED' }).flatMap((entry) => (entry.type === 'session.closed' ? [entry.sessionId] : []));
  }

  /** A terminal's pod went away: its exec is over for that reason. */
  podDeleted(sessionId: string): void {
    this.#send({ type: 'DELIVER', sessionId, event: { type: 'DISCONNECT', reason: 'podDeleted' } });
  }

  /** End every exec (the server is stopping). The log keeps why, and a snapshot lets the next start skip the replay. */
  shutdown(): void {
    this.#send({ type: 'DISCONNECT_ALL', reason: 'serverShutdown' });
    if (this.#snapshotPolicy) this.writeSnapshot();
    this.#snapshotPolicy = undefined;
    this.#supervisor.stop();
    if (!this.#writer.flush()) this.#warn(`${this.#writer.waiting.length} entries of the event log could not be written before stopping, and are lost`);
    this.#writer.close();
    this.#store.close();
  }

  onEntry(listener: (entry: LogEntry) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Told each time a snapshot has been written, with the seq it covers. */
  onSnapshot(listener: (seq: number) => void): () => void {
    this.#snapshotListeners.add(listener);
    return () => this.#snapshotListeners.delete(listener);
  }

  /** Told when the alerts change without a log entry (the log could not be written, or can again). */
  onAlerts(listener: () => void): () => void {
    this.#alertListeners.add(listener);
    return () => this.#alertListeners.delete(listener);
  }

  get sessionList(): SessionList {
    return this.#projections.models.sessionList;
  }

  get auditTrail(): AuditTrail {
    return this.#projections.models.auditTrail;
  }

  /** The log's alerts, and one more while the log cannot be written. */
  get alerts(): Alerts {
    const alerts = this.#projections.models.alerts;
    const storage = this.#storageAlert;
    if (!storage) return alerts;
    if (this.#alertsShown?.from !== alerts || this.#alertsShown.storage !== storage) this.#alertsShown = { from: alerts, storage, shown: { ...alerts, list: [...alerts.list, storage] } };
    return this.#alertsShown.shown;
  }

  get batches(): Batches {
    return this.#projections.models.batches;
  }

  /** Entries with seq > `after`, at most `limit` of them, read from the store (and those still waiting to be written). */
  entries(after = 0, limit = Infinity): LogEntry[] {
    const page: LogEntry[] = [];
    // Not one entry more than asked: the store's read cursor is where the last one read ends (the next page starts there).
    if (limit > 0) for (const entry of this.#store.read(after)) if (page.push(entry) >= limit) return page;
    for (const entry of this.#writer.waiting) if (page.length < limit && entry.seq > (page.at(-1)?.seq ?? after)) page.push(entry);
    return page;
  }

  /** The live snapshot of the supervisor and every terminal, for the inspector and for tests. */
  snapshots(): { supervisor: { value: unknown; context: unknown }; terminals: Record<string, { value: unknown; context: unknown }> } {
    const snapshot = this.#supervisor.getSnapshot();
    const terminals: Record<string, { value: unknown; context: unknown }> = {};
    for (const [id, child] of Object.entries(snapshot.children)) {
      const childSnapshot = (child as { getSnapshot(): ActorSnapshot<unknown> & { value: unknown; context: unknown } } | undefined)?.getSnapshot();
      if (childSnapshot) terminals[id] = { value: childSnapshot.value, context: childSnapshot.context };
    }
    return { supervisor: { value: snapshot.value, context: snapshot.context }, terminals };
  }
}
