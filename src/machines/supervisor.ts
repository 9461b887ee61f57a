// The supervisor: turns exec actions into terminal actors (one per container), routes user
// events to them, enforces the live-session limit, and ends every exec on shutdown.
// Every fact it or its terminals produce is emitted, in order, for the event log.
import { assign, emit, enqueueActions, setup, type ActorRefFrom } from 'xstate';
import type { ExecAction, ShellName } from '../domain/exec-action.ts';
import type { TerminalSize } from '../domain/target.ts';
import type { DisconnectReason, Fact } from './facts.ts';
import { defaultAutoShells } from './shells.ts';
import { terminalMachine, type TerminalEvent, type TerminalReport, type TerminalTimings } from './terminal.ts';

export interface SupervisorConfig extends TerminalTimings {
  maxLiveSessions: number;
  autoShells: readonly ShellName[];
  initialSize: TerminalSize;
}

export const defaultSupervisorConfig: SupervisorConfig = {
  maxLiveSessions: 64,
  autoShells: defaultAutoShells,
  initialSize: { cols: 80, rows: 24 },
  idleNoticeMs: 60_000,
  idleTimeoutMs: 300_000,
  connectTimeoutMs: 30_000,
};

export interface SessionEntry {
  /** true while its exec runs (connecting, live or idle) */
  live: boolean;
}

export interface SupervisorContext {
  config: SupervisorConfig;
  requestCount: number;
  sessionCount: number;
  sessions: Record<string, SessionEntry>;
}

export type SupervisorEvent =
  /** `containers` is the action's target resolved against the pod ("all" becomes its running containers) */
  | { type: 'EXEC'; action: ExecAction; containers: string[] }
  | { type: 'RESIZE'; sessionId: string; cols: number; rows: number }
  | { type: 'RESTART'; sessionId: string }
  | { type: 'CLOSE'; sessionId: string }
  | { type: 'CLOSE_ALL_ENDED' }
  /** end every live exec (server stopping, or sessions restored from a log after a restart) */
  | { type: 'DISCONNECT_ALL'; reason: DisconnectReason }
  /** hand a stream event to one terminal: used by replay, and by the runtime for pod deletion */
  | { type: 'DELIVER'; sessionId: string; event: TerminalEvent }
  | TerminalReport;

const endingFacts = new Set<Fact['type']>(['session.exited', 'session.failed', 'session.timedOut', 'session.disconnected']);

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
    sessions: {},
  }),
  on: {
    EXEC: {
      actions: enqueueActions(({ context, event, enqueue }) => {
        const requestId = `r${context.requestCount + 1}`;
        const live = Object.values(context.sessions).filter((s) => s.live).length;
        const { action, containers } = event;
        const refusal =
          containers.length === 0
            ? 'The pod has no running container to exec into. Wait for a container to start, then try again.'
            : live + containers.length > context.config.maxLiveSessions
              ? `At most ${context.config.maxLiveSessions} terminals can run at once and ${live} are running. Close some, or start octant-exec with a larger --max-sessions.`
              : undefined;
        if (refusal) {
          enqueue.assign({ requestCount: context.requestCount + 1 });
          enqueue.emit({ type: 'exec.refused', requestId, action, containers, message: refusal });
          return;
        }
        const sessionIds = containers.map((_, i) => `t${context.sessionCount + i + 1}`);
        enqueue.assign({
          requestCount: context.requestCount + 1,
          sessionCount: context.sessionCount + containers.length,
          sessions: { ...context.sessions, ...Object.fromEntries(sessionIds.map((id) => [id, { live: true }])) },
        });
        enqueue.emit({ type: 'exec.requested', requestId, action, containers, sessionIds });
        const idleTimeoutMs = action.idleTimeoutMs ?? context.config.idleTimeoutMs;
        containers.forEach((container, i) => {
          const sessionId = sessionIds[i];
          const target = { ...(action.target.context ? { context: action.target.context } : {}), namespace: action.target.namespace, pod: action.target.pod, container };
          enqueue.emit({
            type: 'session.spawned',
            sessionId,
            requestId,
            target,
            command: action.command,
            interactive: action.interactive,
            requestedBy: action.requestedBy,
            idleTimeoutMs,
          });
          enqueue.spawnChild('terminal', {
            id: sessionId,
            input: {
              sessionId,
              target,
              command: action.command,
              interactive: action.interactive,
              autoShells: context.config.autoShells,
              size: context.config.initialSize,
              idleNoticeMs: Math.min(context.config.idleNoticeMs, idleTimeoutMs),
              idleTimeoutMs,
              connectTimeoutMs: context.config.connectTimeoutMs,
            },
          });
        });
      }),
    },
    RESIZE: { actions: enqueueActions(({ context, event, enqueue }) => routeIfKnown(context, event.sessionId, enqueue, { type: 'RESIZE', cols: event.cols, rows: event.rows })) },
    CLOSE: { actions: enqueueActions(({ context, event, enqueue }) => routeIfKnown(context, event.sessionId, enqueue, { type: 'CLOSE' })) },
    DELIVER: { actions: enqueueActions(({ context, event, enqueue }) => routeIfKnown(context, event.sessionId, enqueue, event.event)) },
    RESTART: {
      actions: enqueueActions(({ context, event, enqueue }) => {
        const session = context.sessions[event.sessionId];
        if (!session || session.live) return;
        const live = Object.values(context.sessions).filter((s) => s.live).length;
        if (live >= context.config.maxLiveSessions) {
          enqueue.emit({
            type: 'session.restartRefused',
            sessionId: event.sessionId,
            message: `At most ${context.config.maxLiveSessions} terminals can run at once. Close one, then restart.`,
          });
          return;
        }
        enqueue.sendTo(event.sessionId, { type: 'RESTART' });
      }),
    },
    CLOSE_ALL_ENDED: {
      actions: enqueueActions(({ context, enqueue }) => {
        for (const [id, session] of Object.entries(context.sessions)) if (!session.live) enqueue.sendTo(id, { type: 'CLOSE' });
      }),
    },
    DISCONNECT_ALL: {
      actions: enqueueActions(({ context, event, enqueue }) => {
        for (const [id, session] of Object.entries(context.sessions)) if (session.live) enqueue.sendTo(id, { type: 'DISCONNECT', reason: event.reason });
      }),
    },
    'terminal.fact': {
      actions: [
        assign({ sessions: ({ context, event }) => bookkeep(context.sessions, event.fact) }),
        emit(({ event }) => event.fact),
        enqueueActions(({ event, enqueue }) => {
          if (event.fact.type === 'session.closed') enqueue.stopChild(event.fact.sessionId);
        }),
      ],
    },
  },
});

function routeIfKnown(
  context: SupervisorContext,
  sessionId: string,
  enqueue: { sendTo: (to: string, event: TerminalEvent) => void },
  event: TerminalEvent,
) {
  if (context.sessions[sessionId]) enqueue.sendTo(sessionId, event);
}

/** Which sessions exist and which run, kept from the facts their terminals report. */
function bookkeep(sessions: Record<string, SessionEntry>, fact: Fact): Record<string, SessionEntry> {
  if (!('sessionId' in fact) || !sessions[fact.sessionId]) return sessions;
  if (fact.type === 'session.closed') {
    const { [fact.sessionId]: _closed, ...rest } = sessions;
    return rest;
  }
  if (fact.type === 'session.restarted') return { ...sessions, [fact.sessionId]: { live: true } };
  if (endingFacts.has(fact.type)) return { ...sessions, [fact.sessionId]: { live: false } };
  return sessions;
}

export type SupervisorActor = ActorRefFrom<typeof supervisorMachine>;
