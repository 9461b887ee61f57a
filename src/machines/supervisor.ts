// The supervisor: turns exec actions and batches into terminal actors (one per container),
// routes user events to them, enforces the limits (the server's, a person's: person-limits.ts),
// runs batches within their concurrency, and ends every exec on shutdown. Every fact it or its
// terminals produce is emitted, in order, for the event log.
import { enqueueActions, setup, type ActorRefFrom } from 'xstate';
import type { BatchAction, SkippedTarget } from '../domain/batch.ts';
import type { ActionMode, ExecAction, ExecCommand, ShellName } from '../domain/exec-action.ts';
import { RUN_ENDING_FACTS } from '../domain/run-endings.ts';
import { DEFAULT_MAX_LIVE_SESSIONS } from '../domain/live-sessions.ts';
import type { ExecTarget, TerminalSize } from '../domain/target.ts';
import type { Person } from '../domain/person.ts';
import type { BatchStop, DisconnectReason, Fact, ServerFact } from './facts.ts';
import { closeAsLogged, closeOldestEnded, endedLast, owned, personCapSentence, personHasRoom, type OwnedSession, type PersonLimits } from './person-limits.ts';
import { defaultAutoShells } from './shells.ts';
import { terminalMachine, type TerminalEvent, type TerminalInput, type TerminalReport, type TerminalTimings } from './terminal.ts';

export interface SupervisorConfig extends TerminalTimings, PersonLimits {
  maxLiveSessions: number;
  /**
   * Several replicas share one log: this one's id. It prefixes the ids given out here (abc123-t1),
   * so no two replicas ever give out the same, and each terminal names its owner.
   */
  replica?: string;
  autoShells: readonly ShellName[];
  initialSize: TerminalSize;
}

export const defaultSupervisorConfig: SupervisorConfig = {
  maxLiveSessions: DEFAULT_MAX_LIVE_SESSIONS,
  autoShells: defaultAutoShells,
  initialSize: { cols: 80, rows: 24 },
  idleNoticeMs: 60_000,
  idleTimeoutMs: 300_000,
  connectTimeoutMs: 30_000,
};

export interface SessionEntry extends OwnedSession {
  batchId?: string;
}

export interface BatchEntry {
  action: BatchAction;
  /** targets not started yet, in order */
  queue: ExecTarget[];
  running: number;
  /** see BATCH; absent in a batch an older build logged */
  noIdleTimeout?: true;
}

export interface SupervisorContext {
  config: SupervisorConfig;
  requestCount: number;
  sessionCount: number;
  batchCount: number;
  sessions: Record<string, SessionEntry>;
  batches: Record<string, BatchEntry>;
}

export type SupervisorEvent =
  /** `containers` is the action's target resolved against the pod ("all" becomes its running containers) */
  | { type: 'EXEC'; action: ExecAction; containers: string[] }
  /**
   * `targets` are the containers to run in; `skipped` those that cannot run, reported as such.
   * `noIdleTimeout`: its runs are not ended for quiet (they take no input; the batch's timeout is
   * theirs, as kubectl exec has none): ExecSystem sets it, a replay as logged, so a batch logged
   * before runs had none replays as it ran, with the server's idle timeout.
   */
  | { type: 'BATCH'; action: BatchAction; targets: ExecTarget[]; skipped: SkippedTarget[]; noIdleTimeout?: true }
  /** Nothing more of the batch starts; `cancelled` ends its running terminals too (a stop of every exec ends them itself): `keepsTerminals`
   * stops each, kept with its output (ExecSystem sets it, a replay as logged); without it, as an older build logged a cancel, each is closed. */
  | { type: 'STOP_BATCH'; batchId: string; because: BatchStop; by?: string; keepsTerminals?: true }
  | { type: 'RESIZE'; sessionId: string; cols: number; rows: number }
  /** `counted`, `freesSlot`: see the facts (facts.ts); ExecSystem sends them, a replay as logged */
  | { type: 'RESTART'; sessionId: string; counted?: true }
  /** `because`, `kept`: closed past a person's ended-terminal limit (facts.ts); a replay as logged, so a limit raised since closes the same */
  | { type: 'CLOSE'; sessionId: string; freesSlot?: true; because?: 'tooManyEnded'; kept?: number }
  | { type: 'CLOSE_ALL_ENDED' }
  /** end every live exec (server stopping, or sessions restored from a log after a restart) */
  | { type: 'DISCONNECT_ALL'; reason: DisconnectReason }
  /** hand a stream event to one terminal: used by replay, and by the runtime for pod deletion */
  | { type: 'DELIVER'; sessionId: string; event: TerminalEvent }
  /** take over an ended terminal of a lost replica (its row in the session list says what it ran), to restart or close it here */
  | { type: 'ADOPT'; from: string; session: AdoptedSession }
  /** a fact the server decided (a share made or used, a recording started or stopped): passed on as it is, the machines decide nothing about it */
  | { type: 'SERVER_FACT'; fact: ServerFact }
  /** the ended-terminal cap from here on: ExecSystem replays a log without it (its closes replay as logged: facts.ts), then sets it */
  | { type: 'ENDED_CAP'; maxEndedPerPerson: number }
  | TerminalReport;

export interface AdoptedSession {
  sessionId: string;
  target: ExecTarget;
  command: ExecCommand;
  interactive: boolean;
  stdin?: true;
  person?: Person;
  idleTimeoutMs?: number;
  mode?: ActionMode;
  /** its last run */
  run: number;
}

/** The part of xstate's action enqueuer the helpers below use. */
interface Enqueue {
  emit(fact: Fact): void;
  assign(values: Partial<SupervisorContext>): void;
  spawnChild(src: 'terminal', options: { id: string; input: TerminalInput }): void;
}

interface NewSession {
  requestId: string;
  batchId?: string;
  target: ExecTarget;
  command: ExecCommand;
  interactive: boolean;
  stdin?: true;
  requestedBy: string;
  person?: Person;
  /** absent: none (a batch's run) */
  idleTimeoutMs?: number;
  deadlineMs?: number;
  mode?: ActionMode;
}

/** The `n`th id of a kind (t: terminal, r: request, b: batch) given out by this supervisor. */
const idOf = (config: SupervisorConfig, kind: 't' | 'r' | 'b', n: number) => (config.replica ? `${config.replica}-${kind}${n}` : `${kind}${n}`);

/** What a terminal actor starts from. */
function terminalInput(config: SupervisorConfig, session: Omit<NewSession, 'requestId' | 'requestedBy'> & { sessionId: string }): TerminalInput {
  return {
    sessionId: session.sessionId,
    target: session.target,
    ...(session.person ? { person: session.person } : {}),
    command: session.command,
    interactive: session.interactive,
    ...(session.stdin ? { stdin: true as const } : {}),
    autoShells: config.autoShells,
    size: config.initialSize,
    idleNoticeMs: Math.min(config.idleNoticeMs, session.idleTimeoutMs ?? Infinity),
    ...(session.idleTimeoutMs !== undefined ? { idleTimeoutMs: session.idleTimeoutMs } : {}),
    connectTimeoutMs: config.connectTimeoutMs,
    ...(session.deadlineMs !== undefined ? { deadlineMs: session.deadlineMs } : {}),
    ...(session.mode ? { mode: session.mode } : {}),
  };
}

/** Emit `session.spawned` and spawn its terminal; returns the session id. The caller assigns the count. */
function spawnSession(enqueue: Enqueue, context: SupervisorContext, index: number, session: NewSession): string {
  const sessionId = idOf(context.config, 't', context.sessionCount + index + 1);
  const { deadlineMs: _deadline, ...spawned } = session;
  enqueue.emit({ type: 'session.spawned', sessionId, ...spawned, ...(context.config.replica ? { replica: context.config.replica } : {}) });
  enqueue.spawnChild('terminal', { id: sessionId, input: terminalInput(context.config, { ...session, sessionId }) });
  return sessionId;
}

const liveCount = (sessions: Record<string, SessionEntry>) => Object.values(sessions).filter((s) => s.live).length;

/**
 * Start queued batch execs while their batch and the live-session limit allow, and finish
 * batches with nothing queued or running. Works on copies and assigns them once.
 */
function advanceBatches(enqueue: Enqueue, context: SupervisorContext, sessions: Record<string, SessionEntry>, batches: Record<string, BatchEntry>): void {
  let started = 0;
  const nextBatches: Record<string, BatchEntry> = {};
  const nextSessions = { ...sessions };
  for (const [batchId, batch] of Object.entries(batches)) {
    const queue = [...batch.queue];
    let running = batch.running;
    // a batch past its person's limit waits for their slot, as for the server's
    while (queue.length && running < batch.action.concurrency && liveCount(nextSessions) < context.config.maxLiveSessions && personHasRoom(context.config, nextSessions, batch.action.person?.user, 1)) {
      const sessionId = spawnSession(enqueue, context, started++, {
        requestId: batchId,
        batchId,
        target: queue.shift()!,
        command: { argv: batch.action.argv },
        interactive: false,
        requestedBy: batch.action.requestedBy,
        ...(batch.action.person ? { person: batch.action.person } : {}),
        ...(batch.noIdleTimeout ? {} : { idleTimeoutMs: context.config.idleTimeoutMs }),
        deadlineMs: batch.action.timeoutMs,
      });
      nextSessions[sessionId] = { live: true, batchId, ...owned(batch.action.person) };
      running++;
    }
    if (queue.length === 0 && running === 0) enqueue.emit({ type: 'batch.finished', batchId });
    else nextBatches[batchId] = { ...batch, queue, running };
  }
  enqueue.assign({ sessions: nextSessions, batches: nextBatches, sessionCount: context.sessionCount + started });
}

/** How a batch was stopped, as `batch.stopped` says it (see STOP_BATCH). */
type Stop = Pick<Extract<SupervisorEvent, { type: 'STOP_BATCH' }>, 'because' | 'by' | 'keepsTerminals'>;

/** Logs what a batch leaves unstarted and empties its queue; returns it, or undefined when nothing of it runs and it is finished with that. */
function stopBatch(enqueue: Enqueue, batchId: string, batch: BatchEntry, { because, by, keepsTerminals }: Stop): BatchEntry | undefined {
  enqueue.emit({ type: 'batch.stopped', batchId, because, notStarted: batch.queue, ...(by ? { by } : {}), ...(keepsTerminals ? { keepsTerminals } : {}) });
  if (batch.running > 0) return { ...batch, queue: [] };
  enqueue.emit({ type: 'batch.finished', batchId });
  return undefined;
}

/** The batches without `batchId` when `entry` is undefined, else with it as `entry`. */
function withBatch(batches: Record<string, BatchEntry>, batchId: string, entry: BatchEntry | undefined): Record<string, BatchEntry> {
  const { [batchId]: _old, ...rest } = batches;
  return entry ? { ...rest, [batchId]: entry } : rest;
}

/** why a whole server's terminals were disconnected at once (DISCONNECT_ALL) */
const SERVER_GONE: ReadonlySet<DisconnectReason> = new Set(['serverShutdown', 'restarted', 'replicaLost']);

/** A session's run ended (`sessions` says how it is now; `fact`, how): one fewer running in its batch, and queued batch execs may start. */
function freeSlot(enqueue: Enqueue, context: SupervisorContext, session: SessionEntry, sessions: Record<string, SessionEntry>, fact?: Fact): void {
  const batches = { ...context.batches };
  const batch = session.batchId ? batches[session.batchId] : undefined;
  // A batch an older build logged: its server emptied the queue when it stopped and logged nothing
  // of it (no batch.stopped), so a replay hears of that stop only from its runs' disconnects.
  const stoppedUnlogged = batch && !batch.noIdleTimeout && fact?.type === 'session.disconnected' && SERVER_GONE.has(fact.reason);
  if (batch) batches[session.batchId!] = { ...batch, running: batch.running - 1, ...(stoppedUnlogged ? { queue: [] } : {}) };
  advanceBatches(enqueue, context, sessions, batches);
}

export const supervisorMachine = setup({
  types: {
    input: {} as Partial<SupervisorConfig>,
    context: {} as SupervisorContext,
    events: {} as SupervisorEvent,
    emitted: {} as Fact,
  },
  actors: { terminal: terminalMachine },
}).createMachine({
  id: 'supervisor',
  context: ({ input }) => ({
    config: { ...defaultSupervisorConfig, ...input },
    requestCount: 0,
    sessionCount: 0,
    batchCount: 0,
    sessions: {},
    batches: {},
  }),
  on: {
    EXEC: {
      actions: enqueueActions(({ context, event, enqueue }) => {
        const requestId = idOf(context.config, 'r', context.requestCount + 1);
        const live = liveCount(context.sessions);
        const { action, containers } = event;
        const refusal =
          containers.length === 0
            ? 'The pod has no running container to exec into. Wait for a container to start, then try again.'
            : action.person && !personHasRoom(context.config, context.sessions, action.person.user, containers.length)
              ? personCapSentence(context.config, context.sessions, action.person.user)
              : live + containers.length > context.config.maxLiveSessions
              ? `At most ${context.config.maxLiveSessions} terminals can run at once and ${live} are running. Close some, or start octant-exec with a larger --max-sessions.`
              : undefined;
        enqueue.assign({ requestCount: context.requestCount + 1 });
        if (refusal) {
          enqueue.emit({ type: 'exec.refused', requestId, action, containers, message: refusal });
          return;
        }
        const sessionIds = containers.map((_, i) => idOf(context.config, 't', context.sessionCount + i + 1));
        enqueue.emit({ type: 'exec.requested', requestId, action, containers, sessionIds });
        const { context: kubeContext, namespace, pod } = action.target;
        containers.forEach((container, i) =>
          spawnSession(enqueue, context, i, {
            requestId,
            target: { ...(kubeContext ? { context: kubeContext } : {}), namespace, pod, container },
            command: action.command,
            interactive: action.interactive,
            ...(action.stdin ? { stdin: true as const } : {}),
            requestedBy: action.requestedBy,
            ...(action.person ? { person: action.person } : {}),
            idleTimeoutMs: action.idleTimeoutMs ?? context.config.idleTimeoutMs,
            ...(action.mode ? { mode: action.mode } : {}),
          }),
        );
        enqueue.assign({
          sessionCount: context.sessionCount + containers.length,
          sessions: { ...context.sessions, ...Object.fromEntries(sessionIds.map((id) => [id, { live: true, ...owned(action.person) }])) },
        });
      }),
    },
    BATCH: {
      actions: enqueueActions(({ context, event, enqueue }) => {
        const batchId = idOf(context.config, 'b', context.batchCount + 1);
        const action = { ...event.action, concurrency: Math.max(1, Math.floor(event.action.concurrency)) };
        const noIdleTimeout = event.noIdleTimeout ? { noIdleTimeout: true as const } : {};
        enqueue.emit({ type: 'batch.started', batchId, action, targets: event.targets, skipped: event.skipped, ...noIdleTimeout, ...(context.config.replica ? { replica: context.config.replica } : {}) });
        enqueue.assign({ batchCount: context.batchCount + 1 });
        advanceBatches(enqueue, context, context.sessions, { ...context.batches, [batchId]: { action, queue: event.targets, running: 0, ...noIdleTimeout } });
      }),
    },
    STOP_BATCH: {
      actions: enqueueActions(({ context, event, enqueue }) => {
        const batch = context.batches[event.batchId];
        if (!batch) return;
        enqueue.assign({ batches: withBatch(context.batches, event.batchId, stopBatch(enqueue, event.batchId, batch, event)) });
        if (event.because !== 'cancelled') return;
        // each run ends (its exec as a close ends it): the batch ends once the last one's end is in
        const end: TerminalEvent = event.keepsTerminals ? { type: 'STOP', because: 'batchCancelled' } : { type: 'CLOSE', freesSlot: true };
        for (const [id, session] of Object.entries(context.sessions)) if (session.live && session.batchId === event.batchId) enqueue.sendTo(id, end);
      }),
    },
    RESIZE: { actions: enqueueActions(({ context, event, enqueue }) => routeIfKnown(context, event.sessionId, enqueue, { type: 'RESIZE', cols: event.cols, rows: event.rows })) },
    CLOSE: {
      actions: enqueueActions(({ context, event, enqueue }) => {
        if (!event.because) return routeIfKnown(context, event.sessionId, enqueue, { type: 'CLOSE', ...(event.freesSlot ? { freesSlot: true as const } : {}) });
        const sessions = closeAsLogged(enqueue, context.sessions, event.sessionId, event.kept ?? 0);
        if (sessions) enqueue.assign({ sessions });
      }),
    },
    DELIVER: { actions: enqueueActions(({ context, event, enqueue }) => routeIfKnown(context, event.sessionId, enqueue, event.event)) },
    RESTART: {
      actions: enqueueActions(({ context, event, enqueue }) => {
        const session = context.sessions[event.sessionId];
        if (!session) return;
        if (session.live) {
          enqueue.emit({
            type: 'session.restartRefused',
            sessionId: event.sessionId,
            message: `Session ${event.sessionId} is still running; only an ended session can be restarted.`,
            because: 'running',
          });
          return;
        }
        if (session.owner !== undefined && !personHasRoom(context.config, context.sessions, session.owner, 1))
          return enqueue.emit({ type: 'session.restartRefused', sessionId: event.sessionId, message: personCapSentence(context.config, context.sessions, session.owner) });
        if (liveCount(context.sessions) >= context.config.maxLiveSessions) {
          enqueue.emit({
            type: 'session.restartRefused',
            sessionId: event.sessionId,
            message: `At most ${context.config.maxLiveSessions} terminals can run at once. Close one, then restart.`,
          });
          return;
        }
        enqueue.sendTo(event.sessionId, { type: 'RESTART', ...(event.counted ? { counted: true as const } : {}) });
      }),
    },
    ADOPT: {
      actions: enqueueActions(({ context, event, enqueue }) => {
        const { session } = event;
        if (!context.config.replica || context.sessions[session.sessionId]) return;
        enqueue.emit({ type: 'session.adopted', sessionId: session.sessionId, replica: context.config.replica, from: event.from });
        enqueue.spawnChild('terminal', { id: session.sessionId, input: { ...terminalInput(context.config, session), adoptedRun: session.run } });
        const sessions = { ...context.sessions, [session.sessionId]: { live: false, ...owned(session.person) } };
        enqueue.assign({ sessions: closeOldestEnded(enqueue, context.config, sessions, session.person?.user) });
      }),
    },
    SERVER_FACT: { actions: enqueueActions(({ event, enqueue }) => enqueue.emit(event.fact)) },
    ENDED_CAP: { actions: enqueueActions(({ context, event, enqueue }) => enqueue.assign({ config: { ...context.config, maxEndedPerPerson: event.maxEndedPerPerson } })) },
    CLOSE_ALL_ENDED: {
      actions: enqueueActions(({ context, enqueue }) => {
        for (const [id, session] of Object.entries(context.sessions)) if (!session.live) enqueue.sendTo(id, { type: 'CLOSE' });
      }),
    },
    DISCONNECT_ALL: {
      actions: enqueueActions(({ context, event, enqueue }) => {
        // queued batch execs will not start: the batches end with what ran
        let batches = context.batches;
        for (const [id, batch] of Object.entries(context.batches)) if (batch.queue.length) batches = withBatch(batches, id, stopBatch(enqueue, id, batch, { because: event.reason }));
        enqueue.assign({ batches });
        for (const [id, session] of Object.entries(context.sessions)) if (session.live) enqueue.sendTo(id, { type: 'DISCONNECT', reason: event.reason });
      }),
    },
    'terminal.fact': {
      actions: enqueueActions(({ context, event, enqueue }) => {
        const { fact } = event;
        const session = context.sessions[fact.sessionId];
        // past the ended cap, the oldest-ended close before the end is logged: a replay with the cap raised since closes them there as logged
        const ended = session?.live && RUN_ENDING_FACTS.has(fact.type) ? closeOldestEnded(enqueue, context.config, endedLast(context.sessions, fact.sessionId), session.owner) : undefined;
        enqueue.emit(fact);
        if (!session) return;
        if (fact.type === 'session.closed') {
          const { [fact.sessionId]: _closed, ...rest } = context.sessions;
          enqueue.stopChild(fact.sessionId);
          // a close ends a running terminal too: its slot (and its batch's) comes free as for any other end
          if (session.live && fact.freesSlot) freeSlot(enqueue, context, session, rest);
          else enqueue.assign({ sessions: rest });
          return;
        }
        if (fact.type === 'session.restarted') {
          // a batch's ended terminal run again counts in its batch: the concurrency holds, and the batch
          // ends after it (a start brings a parked live run back with a restart, not counted: it counts already)
          const batch = session.batchId && fact.counted ? context.batches[session.batchId] : undefined;
          enqueue.assign({
            sessions: { ...context.sessions, [fact.sessionId]: { ...session, live: true } },
            ...(batch ? { batches: { ...context.batches, [session.batchId!]: { ...batch, running: batch.running + 1 } } } : {}),
          });
          return;
        }
        if (ended) freeSlot(enqueue, context, session, ended, fact);
      }),
    },
  },
});

function routeIfKnown(context: SupervisorContext, sessionId: string, enqueue: { sendTo: (to: string, event: TerminalEvent) => void }, event: TerminalEvent) {
  if (context.sessions[sessionId]) enqueue.sendTo(sessionId, event);
}

export type SupervisorActor = ActorRefFrom<typeof supervisorMachine>;
