// The actor system, wired: the supervisor with its terminals, the exec adapter behind them, the
// clock, the event log and its projections. Everything that happens enters through here and
// leaves as a fact in the log. Opening starts from the newest usable snapshot and replays only
// the entries after it (a 0.1.0 log, with no snapshot, is replayed whole once): the same inputs
// at the same times rebuild the same actors. Sessions that were live when the last process
// stopped come back as disconnected ("restarted"). Every so often, and on shutdown, a snapshot
// is written, so a start costs the same after a day or after a year.
//
// Several replicas can share one log (a SharedStore: PostgreSQL). Then each replica's machines
// hold only the terminals it runs, the store numbers the entries in one global order, and the
// projections fold what the store delivers, every replica's entries alike, so every replica shows
// the same lists. Nothing is replayed into the machines at a start: a replica starts empty, and
// the terminals of a replica that was lost are marked disconnected by another (replicaLost).
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
import type { ReplicaInfo, SharedStart, SharedStore, UnnumberedEntry } from '../events/shared-store.ts';
import { isRunning } from '../protocol/terminal-states.ts';
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
import { SHARED_SNAPSHOT_FORMAT, SNAPSHOT_FORMAT, parkLiveTerminals, type PersistedSupervisor, type SharedState, type SystemState } from './system-snapshot.ts';
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

export interface SharedExecSystemOptions extends Omit<ExecSystemOptions, 'store' | 'clock' | 'fromSnapshot'> {
  store: SharedStore;
  /** what store.start() returned */
  start: SharedStart;
  /** told once when this replica's lease is gone: its terminals were ended without a word in the log (another replica wrote what became of them) */
  onLeaseLost?: () => void;
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

/** forfeited: a replica that lost its lease; what its machines still report is not its to log */
type Mode = 'live' | 'replaying' | 'seeding' | 'forfeited';

export class ExecSystem {
  readonly io = new TerminalIo();
  readonly replayReport: ReplayReport;
  #clock: VirtualClock;
  #supervisor;
  #store: EventStore | undefined;
  /** the log several replicas share, when it is one */
  #shared: SharedStore | undefined;
  #onLeaseLost: (() => void) | undefined;
  #warn: (message: string) => void;
  #writer: LogWriter | undefined;
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

  /** Open a replica on a shared log: its projections from the start read, its machines empty. */
  static openShared(options: SharedExecSystemOptions): ExecSystem {
    return new ExecSystem(options, { shared: options });
  }

  private constructor(options: ExecSystemOptions | SharedExecSystemOptions, how: { restore: boolean } | { shared: SharedExecSystemOptions }) {
    const warn = (this.#warn = options.warn ?? ((message: string) => console.warn(`octant-exec: ${message}`)));
    if ('shared' in how) {
      const { store, start } = how.shared;
      this.#shared = store;
      this.#onLeaseLost = how.shared.onLeaseLost;
      this.#clock = new RealTimeClock(Date.now, Date.now());
      this.#supervisor = this.#createSupervisor(options, { ...options.config, replica: store.replica.id });
      const snapshot = start.snapshot?.state as SharedState | undefined;
      this.#projections = new ProjectionSet(snapshot?.projections);
      this.#liveRuns = new LiveRuns();
      this.#lastSeq = start.snapshot?.seq ?? 0;
      this.#supervisor.start();
      for (const entry of start.entries) this.#projections.add(entry);
      this.#lastSeq = start.entries.at(-1)?.seq ?? this.#lastSeq;
      this.replayReport = { entries: start.entries.length, damage: [], ...(start.snapshot ? { snapshot: { name: `snapshot ${start.snapshot.seq}`, seq: start.snapshot.seq } } : {}) };
      this.#lastSnapshotAt = this.#clock.now();
      if (options.snapshots !== false) this.#snapshotPolicy = { ...DEFAULT_SNAPSHOT_POLICY, ...options.snapshots };
      this.#sinceSnapshot = start.entries.length;
      store.listen({ entries: (entries) => this.#delivered(entries), availability: (problem) => this.#storageProblem(problem), leaseLost: () => this.#leaseLost() }, this.#lastSeq);
      return;
    }
    options = options as ExecSystemOptions;
    this.#store = options.store;
    this.#writer = new LogWriter(options.store, (problem) => this.#storageProblem(problem));
    const start = options.fromSnapshot === false ? undefined : startingSnapshot(options.store, warn);
    const makeClock = options.clock ?? ((time) => new RealTimeClock(Date.now, time));
    this.#clock = makeClock(start ? Math.min(start.state.liveRuns[0]?.time ?? Infinity, start.state.clock) : (firstEntry(options.store)?.time ?? Date.now()));
    const input = options.config ?? {};
    // The configuration is this start's (flags may have changed since the snapshot); the rest is the snapshot's.
    const restored = start && { ...start.state.supervisor, context: { ...start.state.supervisor.context, config: { ...defaultSupervisorConfig, ...input } } };
    this.#supervisor = this.#createSupervisor(options, input, restored);
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

  #createSupervisor(options: { adapter: ExecAdapter }, input: Partial<SupervisorConfig>, restored?: PersistedSupervisor) {
    const terminal = terminalMachine.provide({
      actors: { execStream: execStreamActor({ adapter: options.adapter, io: this.io, clock: this.#clock, replaying: () => this.#mode !== 'live' }) },
    });
    const machine = supervisorMachine.provide({ actors: { terminal } });
    const supervisor = createActor(machine, { input, clock: this.#clock, ...(restored ? { snapshot: restored as unknown as ActorSnapshot<unknown> } : {}) });
    supervisor.on('*', (fact) => this.#fact(fact));
    return supervisor;
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
      for (const entry of this.#store!.read(after, onDamage)) {
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
    if (this.#shared) {
      // Numbered by the store; the projections fold it when the store delivers it, in the global order.
      const entry = { ...fact, time: this.#clock.now() } as UnnumberedEntry;
      this.#caused?.push({ ...entry, seq: 0 } as LogEntry);
      this.#appendShared(entry);
      return;
    }
    const entry = { ...fact, seq: ++this.#lastSeq, time: this.#clock.now() } as LogEntry;
    this.#writer!.append(entry);
    this.#caused?.push(entry);
    this.#folded([entry]);
  }

  /** Entries now in the log, in its order: the projections and the listeners get them. */
  #folded(entries: LogEntry[]): void {
    for (const entry of entries) {
      this.#projections.add(entry);
      this.#liveRuns.observe(entry);
      this.#lastSeq = Math.max(this.#lastSeq, entry.seq);
      for (const listener of this.#listeners) listener(entry);
      this.#sinceSnapshot++;
    }
    this.#snapshotWhenDue();
  }

  #delivered(entries: LogEntry[]): void {
    // Only what is new: a snapshot or the start may already have covered some.
    this.#folded(entries.filter((entry) => entry.seq > this.#lastSeq));
  }

  #appendShared(entry: UnnumberedEntry): void {
    try {
      this.#shared!.append([entry]);
    } catch (error) {
      this.#warn(`an entry of the event log is lost (${errorText(error)}): ${entry.type}`);
    }
  }

  /** This replica's lease is gone: another replica has written what became of its terminals. Everything here ends, silently. */
  #leaseLost(): void {
    this.#warn('this replica lost its lease in the shared event log (it was paused or cut off for longer than the lease): its terminals were marked disconnected by another replica, and it ends them now');
    this.#mode = 'forfeited';
    this.#supervisor.send({ type: 'DISCONNECT_ALL', reason: 'replicaLost' });
    this.#onLeaseLost?.();
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
    if (this.#shared) return this.#writeSharedSnapshot();
    if (this.#sinceSnapshot === 0 || this.#writer!.waiting.length > 0 || this.#clock.hasTimerDueBy(this.#clock.now())) return false;
    const state: SystemState = {
      clock: this.#clock.now(),
      supervisor: parkLiveTerminals(this.#supervisor.getPersistedSnapshot() as unknown as PersistedSupervisor),
      liveRuns: this.#liveRuns.entries(),
      projections: this.#projections.models,
    };
    try {
      this.#store!.putSnapshot({ seq: this.#lastSeq, format: SNAPSHOT_FORMAT, time: this.#clock.now(), state });
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

  /** Of a shared log, only the projections: the machines hold nothing another replica could use. */
  #writeSharedSnapshot(): boolean {
    if (this.#sinceSnapshot === 0 || !this.#shared!.available) return false;
    const state: SharedState = { clock: this.#clock.now(), projections: this.#projections.models };
    const seq = this.#lastSeq;
    this.#sinceSnapshot = 0;
    this.#lastSnapshotAt = this.#clock.now();
    this.#shared!.putSnapshot({ seq, format: SHARED_SNAPSHOT_FORMAT, time: this.#clock.now(), state }).then(
      () => {
        for (const listener of this.#snapshotListeners) listener(seq);
      },
      (error: unknown) => this.#warn(`no snapshot written (${errorText(error)}): the log is whole, and the next one is tried later`),
    );
    return true;
  }

  #storageProblem(problem: string | undefined): void {
    if (problem === undefined) {
      this.#storageAlert = undefined;
      this.#warn(this.#shared ? 'the event log\'s database answers again: every entry that waited is written' : 'the event log is written again: every entry that waited is on the disk');
    } else if (this.#shared) {
      this.#storageAlert = {
        id: 0,
        sessionId: '',
        kind: 'storage',
        message: `The event log's database does not answer (${problem}). Running terminals go on, and what happens is written when it answers again; no new terminal can start until then.`,
        at: this.#clock.now(),
      };
      this.#warn(`the event log's database does not answer (${problem}): terminals keep running; entries wait in memory, new execs are refused`);
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

  /**
   * Why no new terminal can start now (the shared log's database does not answer), if so. A file
   * log that cannot be written does not stop execs: its entries wait in memory.
   */
  get refusesExecs(): string | undefined {
    if (!this.#shared || this.#shared.available) return undefined;
    return "The event log's database does not answer, so no new terminal can start: running terminals go on. Try again when it is back (the page shows a banner until then).";
  }

  /** Resolves once what the commands so far caused is in the log and folded into the lists (at once for a file log). */
  async settled(timeoutMs = 5_000): Promise<void> {
    await this.#shared?.flushed(timeoutMs);
  }

  /** This replica, when several share the log. */
  get replica(): ReplicaInfo | undefined {
    return this.#shared?.replica;
  }

  /** Whether this process holds the terminal's actor (in a shared log, whether this replica owns it). */
  holds(sessionId: string): boolean {
    return sessionId in this.#supervisor.getSnapshot().context.sessions;
  }

  /**
   * Replica `lost` stopped answering: its terminals that were running are over (this replica was
   * handed the job by the store, so it is written once).
   */
  replicaLost(lost: ReplicaInfo): string[] {
    const ended: string[] = [];
    for (const row of Object.values(this.sessionList.byId)) {
      if (row.replica !== lost.id || !isRunning(row.state)) continue;
      this.#appendShared({ type: 'session.disconnected', sessionId: row.sessionId, reason: 'replicaLost', detail: `replica ${lost.id} (${lost.advertise}) stopped answering`, time: this.#clock.now() });
      ended.push(row.sessionId);
    }
    return ended;
  }

  /**
   * Takes over an ended terminal of a lost replica, so it can be restarted or closed here. False
   * when another replica took it first, or it is not a lost replica's ended terminal.
   */
  async adopt(sessionId: string): Promise<boolean> {
    const row = this.sessionList.byId[sessionId];
    const shared = this.#shared;
    if (!shared || !row?.replica || row.replica === shared.replica.id || isRunning(row.state) || this.holds(sessionId)) return false;
    if (!(await shared.adopt(sessionId, row.replica))) return false;
    const { target, command, interactive, person, idleTimeoutMs, run } = row;
    this.#send({ type: 'ADOPT', from: row.replica, session: { sessionId, target, command, interactive, ...(person ? { person } : {}), idleTimeoutMs, run } });
    return this.holds(sessionId);
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

  /**
   * End every exec (the server is stopping). The log keeps why, and a snapshot lets the next start
   * skip the replay. A shared log is written (for a few seconds at most) before the lease is given up.
   */
  async shutdown(): Promise<void> {
    if (this.#mode !== 'forfeited') this.#send({ type: 'DISCONNECT_ALL', reason: 'serverShutdown' });
    if (this.#snapshotPolicy) this.writeSnapshot();
    this.#snapshotPolicy = undefined;
    this.#supervisor.stop();
    if (this.#shared) return this.#shared.close(5_000);
    if (!this.#writer!.flush()) this.#warn(`${this.#writer!.waiting.length} entries of the event log could not be written before stopping, and are lost`);
    this.#writer!.close();
    this.#store!.close();
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
    if (!this.#store) throw new Error('a shared log is read with readEntries()');
    const page: LogEntry[] = [];
    // Not one entry more than asked: the store's read cursor is where the last one read ends (the next page starts there).
    if (limit > 0) for (const entry of this.#store.read(after)) if (page.push(entry) >= limit) return page;
    for (const entry of this.#writer!.waiting) if (page.length < limit && entry.seq > (page.at(-1)?.seq ?? after)) page.push(entry);
    return page;
  }

  /** As entries(), from either kind of store. */
  async readEntries(after: number, limit: number): Promise<LogEntry[]> {
    return this.#shared ? this.#shared.read(after, limit) : this.entries(after, limit);
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
