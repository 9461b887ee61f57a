// The actor system, wired: the supervisor with its terminals, the exec adapter behind them, the
// clock, the event log and its projections. Everything that happens enters through here and
// leaves as a fact in the log. Opening starts from the newest usable snapshot and replays only
// the entries after it (a 0.1.0 log, with no snapshot, is replayed whole once): the same inputs
// at the same times rebuild the same actors. Sessions that were live when the last process
// stopped come back as disconnected ("restarted"). Every so often, and on shutdown, a snapshot
// is written, so a start costs the same after a day or after a year.
//
// Replicas sharing one log (PostgreSQL: shared-log.ts) run only their own terminals; the store orders every replica's
// entries and the projections fold them all. A replica starts with empty machines; a lost one's runs are ended by another.
import { createActor, type Snapshot as ActorSnapshot } from 'xstate';
import type { ExecAdapter } from '../adapters/exec.ts';
import type { BatchAction, SkippedTarget } from '../domain/batch.ts';
import type { ExecAction } from '../domain/exec-action.ts';
import type { ExecTarget } from '../domain/target.ts';
import type { LogEntry } from '../events/log-entry.ts';
import type { ShareFact } from '../domain/share.ts';
import type { EventStore } from '../events/store.ts';
import { SharedLog } from './shared-log.ts';
import { actorViews, type ActorViews } from './actor-views.ts';
import { DEFAULT_SNAPSHOT_POLICY, type ExecResult, type ExecSystemOptions, type ReplayReport, type RestartResult, type SharedExecSystemOptions, type SnapshotPolicy } from './exec-system-types.ts';
import type { Fact, RecordingFact } from '../machines/facts.ts';
import { defaultSupervisorConfig, supervisorMachine, type SupervisorConfig, type SupervisorEvent } from '../machines/supervisor.ts';
import { terminalMachine } from '../machines/terminal.ts';
import { RealTimeClock, type VirtualClock } from './clock.ts';
import { errorText } from './error-text.ts';
import { execStreamActor } from './exec-stream-actor.ts';
import { FactMatcher } from './fact-matcher.ts';
import { LiveRuns, endsRun } from './live-runs.ts';
import { replayEntries, seedLiveRuns } from './log-replay.ts';
import { LogWriter, RETRY_MS, logPage, stepped } from './log-writer.ts';
import { ProjectionSet, type ProjectionModels } from './projection-set.ts';
import { firstEntry, startingSnapshot } from './snapshot-choice.ts';
import { SNAPSHOT_FORMAT, restoredSupervisor, systemState, type PersistedSupervisor, type SharedState } from './system-snapshot.ts';
import { TerminalIo } from './terminal-io.ts';
import { StorageAlert } from './storage-alert.ts';
import { SnapshotSchedule } from './snapshot-schedule.ts';
import { SystemListeners } from './system-listeners.ts';

export { DEFAULT_SNAPSHOT_POLICY, type ExecResult, type ExecSystemOptions, type ReplayReport, type RestartResult, type SharedExecSystemOptions, type SnapshotPolicy } from './exec-system-types.ts';

/** forfeited: a replica that lost its lease; what its machines still report is not its to log */
type Mode = 'live' | 'replaying' | 'seeding' | 'forfeited';

export class ExecSystem extends SystemListeners {
  readonly io = new TerminalIo();
  readonly replayReport: ReplayReport;
  #clock: VirtualClock;
  #supervisor;
  #store: EventStore | undefined;
  /** the log several replicas share, when it is one */
  #shared: SharedLog | undefined;
  #onLeaseLost: (() => void) | undefined;
  #warn: (message: string) => void;
  #writer: LogWriter | undefined;
  #projections: ProjectionSet;
  #liveRuns: LiveRuns;
  #lastSeq = 0;
  #mode: Mode = 'live';
  #matcher = new FactMatcher();
  /** the entries the command being sent has caused so far (see #command) */
  #caused: LogEntry[] | undefined;
  #storage: StorageAlert;
  #snapshots: SnapshotSchedule;

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
    super();
    const warn = (this.#warn = options.warn ?? ((message: string) => console.warn(`octant-exec: ${message}`)));
    this.#storage = new StorageAlert('shared' in how ? 'database' : 'files', warn, () => this.#clock.now());
    if ('shared' in how) {
      const { store, start } = how.shared;
      this.#shared = new SharedLog(store, warn);
      this.#onLeaseLost = how.shared.onLeaseLost;
      this.#clock = new RealTimeClock(Date.now, Date.now());
      this.#supervisor = this.#createSupervisor(options, { ...options.config, replica: store.replica.id });
      this.#projections = new ProjectionSet((start.snapshot?.state as SharedState | undefined)?.projections);
      for (const entry of start.entries) this.#projections.add(entry);
      this.#lastSeq = Math.max(start.snapshot?.seq ?? 0, start.entries.at(-1)?.seq ?? 0, start.damage.at(-1)?.seq ?? 0); // past a damaged last row: read once
      this.#liveRuns = new LiveRuns();
      this.#supervisor.start();
      this.replayReport = { entries: start.entries.length, damage: start.damage, ...(start.snapshot ? { snapshot: { name: `snapshot ${start.snapshot.seq}`, seq: start.snapshot.seq } } : {}) };
      this.#snapshots = this.#snapshotSchedule(options, start.entries.length);
      // only what is new: a snapshot or the start may already have covered some
      store.listen({ entries: (entries) => this.#folded(entries.filter((entry) => entry.seq > this.#lastSeq)), availability: (problem) => this.#storageProblem(problem), leaseLost: () => this.#leaseLost() }, this.#lastSeq);
      return;
    }
    options = options as ExecSystemOptions;
    this.#store = options.store;
    this.#writer = new LogWriter(options.store, (problem) => this.#storageProblem(problem), (entries) => this.#folded(entries));
    const start = options.fromSnapshot === false ? undefined : startingSnapshot(options.store, warn);
    const makeClock = options.clock ?? ((time) => new RealTimeClock(Date.now, time));
    this.#clock = makeClock(start ? Math.min(start.state.liveRuns[0]?.time ?? Infinity, start.state.clock) : (firstEntry(options.store)?.time ?? Date.now()));
    // The configuration is this start's (flags may have changed since the snapshot); the rest is the snapshot's. A replay closes
    // past the ended-terminal cap only as the log did (one lowered since would close what the log kept): the cap is set after it.
    const { maxEndedPerPerson, ...replayed } = options.config ?? {};
    const restored = start && restoredSupervisor(start.state, { ...defaultSupervisorConfig, ...replayed });
    this.#supervisor = this.#createSupervisor(options, replayed, restored);
    this.#projections = new ProjectionSet(start?.state.projections);
    this.#liveRuns = new LiveRuns(start?.state.liveRuns);
    this.#lastSeq = start?.seq ?? 0;
    this.#supervisor.start();
    if (start) this.#as('seeding', () => seedLiveRuns(this.#clock, this.#supervisor, start.state));
    const target = { clock: this.#clock, supervisor: this.#supervisor, matcher: this.#matcher, projections: this.#projections, liveRuns: this.#liveRuns, warn };
    const { lastSeq, ...report } = this.#as('replaying', () => replayEntries(target, options.store, start?.seq ?? 0, !start));
    this.#lastSeq = lastSeq;
    this.replayReport = { ...report, ...(start ? { snapshot: { name: start.name, seq: start.seq } } : {}) };
    if (this.replayReport.divergence) warn(`replay diverged from the log: ${this.replayReport.divergence}`);
    this.#snapshots = this.#snapshotSchedule(how.restore ? options : { snapshots: false }, how.restore ? this.replayReport.entries : 0);
    if (maxEndedPerPerson !== undefined) this.#supervisor.send({ type: 'ENDED_CAP', maxEndedPerPerson });
    if (!how.restore) return;
    // Not #send: syncing first would fire the replay's timers (idle, connect, a deadline) across the downtime, ending as timed out
    // or failed what the server simply lost. Stamped with the last time the log vouches for (when it died is not known), it replays exactly.
    this.#writer.step.command(() => this.#supervisor.send({ type: 'DISCONNECT_ALL', reason: 'restarted' }));
  }

  #createSupervisor(options: { adapter: ExecAdapter }, input: Partial<SupervisorConfig>, restored?: PersistedSupervisor) {
    const { clock, adapter } = stepped(this.#clock, options.adapter, (this.#shared ?? this.#writer!).step); // a timer, a stream's report: a step each
    const terminal = terminalMachine.provide({
      actors: { execStream: execStreamActor({ adapter, io: this.io, clock, replaying: () => this.#mode !== 'live' }) },
    });
    const machine = supervisorMachine.provide({ actors: { terminal } });
    const supervisor = createActor(machine, { input, clock, ...(restored ? { snapshot: restored as unknown as ActorSnapshot<unknown> } : {}) });
    supervisor.on('*', (fact) => this.#fact(fact));
    return supervisor;
  }

  /** Runs `body` with the machines in `mode`: what they report then is not logged (seeding) or is compared with the log (replaying). */
  #as<T>(mode: Mode, body: () => T): T {
    this.#mode = mode;
    try {
      return body();
    } finally {
      this.#mode = 'live';
    }
  }

  #fact(fact: Fact): void {
    if (this.#mode === 'replaying') this.#matcher.derived(fact);
    else if (this.#mode === 'live') this.#record(fact);
  }

  #record(fact: Fact): void {
    if (this.#shared) {
      // Numbered by the store; the projections fold it when the store delivers it, in the global order.
      const entry = { ...fact, time: this.#clock.now() } as Parameters<SharedLog['append']>[0];
      this.#caused?.push({ ...entry, seq: 0 } as LogEntry);
      this.#shared.append(entry);
      return;
    }
    const entry = { ...fact, seq: ++this.#lastSeq, time: this.#clock.now() } as LogEntry;
    this.#writer!.append(entry); // folded once its step is over (as a shared log's, once stored)
    this.#caused?.push(entry);
  }

  /** Entries now in the log (or waiting, whole steps, to be written), in its order: the projections and the listeners get them. */
  #folded(entries: LogEntry[]): void {
    for (const entry of entries) {
      this.#projections.add(entry);
      this.#liveRuns.observe(entry);
      if ('sessionId' in entry && endsRun(entry)) this.io.runOver(entry.sessionId);
      this.#lastSeq = Math.max(this.#lastSeq, entry.seq);
      this.tellEntry(entry);
    }
    this.#snapshots.added(entries.length);
  }

  /** This replica's lease is gone: another replica has written what became of its terminals. Everything here ends, silently. */
  #leaseLost(): void {
    this.#warn('this replica lost its lease in the shared event log (it was paused or cut off for longer than the lease): its terminals were marked disconnected by another replica, and it ends them now');
    this.#mode = 'forfeited';
    this.#supervisor.send({ type: 'DISCONNECT_ALL', reason: 'replicaLost' });
    this.#onLeaseLost?.();
  }

  #snapshotSchedule(options: { snapshots?: Partial<SnapshotPolicy> | false }, since: number): SnapshotSchedule {
    const policy = options.snapshots === false ? undefined : { ...DEFAULT_SNAPSHOT_POLICY, ...options.snapshots };
    return new SnapshotSchedule(policy, since, () => this.#clock.now(), () => this.writeSnapshot());
  }

  /**
   * Writes a snapshot of everything up to the last entry, when there is anything new, the log
   * is all on the disk, and no timer is due (so a start can take up exactly here). Returns
   * whether it wrote one; a failure (a full disk) is told and tried again a little later.
   */
  writeSnapshot(): boolean {
    if (!this.#snapshots.due) return false;
    const seq = this.#lastSeq;
    const told = () => this.tellSnapshot(seq);
    // A shared log's: only the projections, written in the background (told once stored).
    if (this.#shared && !this.#shared.writeSnapshot(seq, { clock: this.#clock.now(), projections: this.#projections.models }, this.#clock.now(), told)) return false;
    if (!this.#shared && !this.#writeFileSnapshot()) return false;
    this.#snapshots.written();
    if (!this.#shared) told();
    return true;
  }

  #writeFileSnapshot(): boolean {
    if (!this.#writer!.flush() || this.#clock.hasTimerDueBy(this.#clock.now())) return false; // (between steps: the one that ended is written first)
    const state = systemState(this.#clock.now(), this.#supervisor.getPersistedSnapshot(), this.#liveRuns.entries(), this.#projections.models);
    try {
      this.#store!.putSnapshot({ seq: this.#lastSeq, format: SNAPSHOT_FORMAT, time: this.#clock.now(), state });
      return true;
    } catch (error) {
      this.#warn(`no snapshot written (${errorText(error)}): the log is whole, and a snapshot is tried again in ${RETRY_MS / 1000} s`);
      this.#snapshots.failed(RETRY_MS);
      return false;
    }
  }

  #storageProblem(problem: string | undefined): void {
    this.#storage.report(problem);
    this.tellAlerts();
  }

  get clock(): VirtualClock {
    return this.#clock;
  }

  #send(event: SupervisorEvent): void {
    (this.#shared ?? this.#writer!).step.command(() => {
      this.#clock.sync();
      this.#supervisor.send(event);
    });
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

  /** Resolves once what the commands so far caused is in the log and folded into the lists (at once for a file log). */
  async settled(timeoutMs = 5_000): Promise<void> {
    await this.#shared?.flushed(timeoutMs);
  }

  /** The log several replicas share (this replica's side of it), when it is one. */
  get shared(): SharedLog | undefined {
    return this.#shared;
  }

  /** Whether this process holds the terminal's actor (in a shared log, whether this replica owns it). */
  holds(sessionId: string): boolean {
    return sessionId in this.#supervisor.getSnapshot().context.sessions;
  }

  /**
   * Takes over an ended terminal of a lost replica, so it can be restarted or closed here. False
   * when another replica took it first, or it is not a lost replica's ended terminal.
   */
  async adopt(sessionId: string): Promise<boolean> {
    if (this.holds(sessionId)) return false;
    const adoption = await this.#shared?.adoption(this.sessionList.byId[sessionId]);
    if (adoption && !this.holds(sessionId)) this.#send(adoption); // the store says true again to its adopter: never twice
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
    const started = this.#command({ type: 'BATCH', action, targets, skipped, noIdleTimeout: true }).find((entry) => entry.type === 'batch.started');
    if (!started) throw new Error('a batch caused no batch.started');
    return started.batchId;
  }

  /** Cancels a running batch (`by` whom, in a team mode): nothing more of it starts, its running terminals are stopped (kept, with their output); whether this process runs it. */
  cancelBatch(batchId: string, by?: string): boolean {
    return this.#command({ type: 'STOP_BATCH', batchId, because: 'cancelled', ...(by ? { by } : {}), keepsTerminals: true }).some((entry) => entry.type === 'batch.stopped');
  }

  resize(sessionId: string, cols: number, rows: number): void {
    this.#send({ type: 'RESIZE', sessionId, cols, rows });
  }

  /** Runs an ended terminal's command again; undefined when there is no such terminal. */
  restart(sessionId: string): RestartResult | undefined {
    for (const entry of this.#command({ type: 'RESTART', sessionId, counted: true })) {
      if (entry.type === 'session.restarted') return { run: entry.run };
      if (entry.type === 'session.restartRefused') return { refused: entry.message, ...(entry.because ? { because: entry.because } : {}) };
    }
    return undefined;
  }

  /** Closes a terminal (ending its exec if it runs); whether it was there to close. */
  close(sessionId: string): boolean {
    return this.#command({ type: 'CLOSE', sessionId, freesSlot: true }).some((entry) => entry.type === 'session.closed');
  }

  /** An admin (`by`) ends a running terminal's run, as a close ends it: the terminal stays, stopped, with its output; whether it ran. */
  endByAdmin(sessionId: string, by: string): boolean {
    return this.#command({ type: 'DELIVER', sessionId, event: { type: 'STOP', because: 'endedByAdmin', by } }).some((entry) => entry.type === 'session.stopped');
  }

  /** Closes every ended terminal; the ids closed. */
  closeAllEnded(): string[] {
    return this.#command({ type: 'CLOSE_ALL_ENDED' }).flatMap((entry) => (entry.type === 'session.closed' ? [entry.sessionId] : []));
  }

  /** Logs a share's fact (made, used, changed, ended: src/domain/share.ts; listed once the log has it, settled()): the server decided it, the supervisor passes it on as it is, so a replay gives it again. */
  share(fact: ShareFact): void {
    this.#send({ type: 'SERVER_FACT', fact });
  }

  /** The recorder started or stopped recording a run: into the log, as a fact the replay derives again (as a share's). */
  recording(fact: RecordingFact): void {
    this.#send({ type: 'SERVER_FACT', fact });
  }

  /** A terminal's pod went away: its exec is over for that reason. */
  podDeleted(sessionId: string): void {
    this.#send({ type: 'DELIVER', sessionId, event: { type: 'DISCONNECT', reason: 'podDeleted' } });
  }

  /** End every exec (the server is stopping). The log keeps why, and a snapshot lets the next start skip the replay. A shared log is written (for a few seconds at most) before the lease is given up. */
  async shutdown(): Promise<void> {
    if (this.#mode !== 'forfeited') this.#send({ type: 'DISCONNECT_ALL', reason: 'serverShutdown' });
    if (this.#snapshots.stop()) this.writeSnapshot();
    this.#supervisor.stop();
    if (this.#shared) return this.#shared.close(5_000);
    if (!this.#writer!.flush()) this.#warn(`${this.#writer!.waiting.length} entries of the event log could not be written before stopping, and are lost`);
    this.#writer!.close();
    this.#store!.close();
  }

  get sessionList(): ProjectionModels['sessionList'] {
    return this.#projections.models.sessionList;
  }

  get auditTrail(): ProjectionModels['auditTrail'] {
    return this.#projections.models.auditTrail;
  }

  /** every recorded run a file may still be kept for, beyond the trail's latest */
  get recordings(): ProjectionModels['recordings'] {
    return this.#projections.models.recordings;
  }

  /** The log's alerts, and one more while the log cannot be written. */
  get alerts(): ProjectionModels['alerts'] {
    return this.#storage.shown(this.#projections.models.alerts);
  }

  get batches(): ProjectionModels['batches'] {
    return this.#projections.models.batches;
  }

  get shares(): ProjectionModels['shares'] {
    return this.#projections.models.shares;
  }

  /** Entries with seq > `after`, at most `limit` of them, read from the store (and those still waiting to be written). */
  entries(after = 0, limit = Infinity): LogEntry[] {
    if (!this.#store) throw new Error('a shared log is read with readEntries()');
    return logPage(this.#store, this.#writer!.waiting, after, limit);
  }

  /** As entries(), from either kind of store. */
  async readEntries(after: number, limit: number): Promise<LogEntry[]> {
    return this.#shared ? this.#shared.read(after, limit) : this.entries(after, limit);
  }

  /** The live snapshot of the supervisor and every terminal, for the inspector and for tests. */
  snapshots(): ActorViews {
    return actorViews(this.#supervisor);
  }
}
