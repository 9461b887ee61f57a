// One terminal: the life of an exec from "connecting" to "closed", restartable in place.
// Pure: the exec stream is an invoked actor named `execStream` that the runtime provides;
// time comes from the clock the actor is created with; facts go to the parent (the supervisor).
import { assign, fromCallback, sendParent, sendTo, setup } from 'xstate';
import type { ActionMode, ExecCommand, ShellName } from '../domain/exec-action.ts';
import type { Person } from '../domain/person.ts';
import type { ExecFailure, ExecTarget, TerminalSize } from '../domain/target.ts';
import type { DisconnectReason, SessionFact, StopReason } from './facts.ts';
import { attemptsFor, commandNotFoundMessage } from './shells.ts';

export interface TerminalTimings {
  /** no input or output for this long: shown as idle */
  idleNoticeMs: number;
  /** no input or output for this long: the exec is ended */
  idleTimeoutMs: number;
  /** no answer from the cluster for this long: the attempt failed */
  connectTimeoutMs: number;
}

export interface TerminalInput extends Omit<TerminalTimings, 'idleTimeoutMs'> {
  /** absent: quiet never ends it (a batch's run, which has no input: its deadline, if any, does) */
  idleTimeoutMs?: number;
  /** end each run after this long whatever it does (a batch's per-exec timeout) */
  deadlineMs?: number;
  sessionId: string;
  target: ExecTarget;
  /** team mode: whom the cluster calls impersonate */
  person?: Person;
  command: ExecCommand;
  interactive: boolean;
  /** no terminal, but stdin (ended by the client) */
  stdin?: true;
  autoShells: readonly ShellName[];
  size: TerminalSize;
  /** taken over from a lost replica after run `adoptedRun` ended there: it starts ended, ready to restart or close */
  adoptedRun?: number;
  /** absent: a plain exec */
  mode?: ActionMode;
}

export interface TerminalContext extends TerminalInput {
  /** 1 for the first run, +1 for each restart */
  run: number;
  /** index into attemptsFor(command): which shell this run is trying */
  attempt: number;
  exitCode?: number;
  failure?: ExecFailure;
  disconnectReason?: DisconnectReason;
  /** how long the terminal had already been quiet when `live` was last entered (see ACTIVITY) */
  quietMs: number;
}

/** What the runtime's execStream actor gets to open a stream. */
export interface ExecStreamInput {
  sessionId: string;
  /** the run this stream is: known here before a shared log gives the run's facts back */
  run: number;
  target: ExecTarget;
  person?: Person;
  argv: string[];
  interactive: boolean;
  stdin?: true;
  size: TerminalSize;
  /** the machine turns idle after this much quiet: activity needs telling only before then */
  idleNoticeMs: number;
  mode?: ActionMode;
  /**
   * Auto with a shell still to try: when this one turns out missing (the cluster says so once
   * the stream is open), what was typed into it never reached a program and goes to the next.
   */
  anotherShellIfMissing?: true;
}

export type TerminalEvent =
  /** `debugContainer`: where a debug action's run is (the adapter chose it: added or reused) */
  | { type: 'CONNECTED'; protocol: string; debugContainer?: string }
  /**
   * Input or output happened `quietMs` before this event (0 or absent: just now). The runtime
   * tells the machine late on purpose, just before its idle notice would fire, so a busy
   * terminal costs one log entry per notice period; the idle timers still count from the real
   * moment of the activity, and a replay of the logged value decides exactly the same.
   */
  | { type: 'ACTIVITY'; quietMs?: number }
  | { type: 'EXITED'; code: number }
  | { type: 'FAILED'; failure: ExecFailure }
  | { type: 'DISCONNECT'; reason: DisconnectReason; detail?: string }
  /** end the run on purpose (its batch was cancelled; an admin, `by` whom, ended it): as a close ends its exec, but the terminal stays, ended, with its output */
  | { type: 'STOP'; because: StopReason; by?: string }
  | { type: 'RESIZE'; cols: number; rows: number }
  | { type: 'RESTART'; counted?: true }
  | { type: 'CLOSE'; freesSlot?: true };

/** Sent to the stream actor while running. */
export type StreamCommand = { type: 'RESIZE'; cols: number; rows: number };

export type TerminalReport = { type: 'terminal.fact'; fact: SessionFact };

/** the longest a timer waits: one armed for what is not set (no deadline, no idle timeout), never let through by its guard */
const neverMs = 2 ** 31 - 1;

/** A missing executable in this attempt is followed by the next shell's attempt, not a failure. */
const anotherShellIfMissing = (context: TerminalContext) =>
  'shell' in context.command && context.attempt + 1 < attemptsFor(context.command, context.autoShells).length;
const argvOf = (context: TerminalContext) => attemptsFor(context.command, context.autoShells)[context.attempt];
const triedSoFar = (context: TerminalContext) =>
  attemptsFor(context.command, context.autoShells)
    .slice(0, context.attempt + 1)
    .map((argv) => argv[0]);

/** An action that reports the fact `build` makes to the parent (the supervisor logs it). */
function report(build: (args: { context: TerminalContext; event: TerminalEvent }) => SessionFact) {
  return { type: 'report', params: build } as const;
}

const restartOrClose = {
  RESTART: {
    target: '#terminal.running',
    actions: ['beginNewRun', report(({ context, event }) => ({ type: 'session.restarted', sessionId: context.sessionId, run: context.run, ...(event.type === 'RESTART' && event.counted ? { counted: true as const } : {}) }))],
  },
} as const;

export const terminalMachine = setup({
  types: {
    input: {} as TerminalInput,
    context: {} as TerminalContext,
    events: {} as TerminalEvent,
  },
  actors: {
    // The runtime replaces this with a real stream (machine.provide); alone, the machine opens nothing.
    execStream: fromCallback<StreamCommand, ExecStreamInput>(() => {}),
  },
  delays: {
    // At least 1 ms: a timer never falls due at the instant it is armed (snapshots rely on that).
    idleNotice: ({ context }) => Math.max(1, context.idleNoticeMs - context.quietMs),
    // Without an idle timeout, as without a deadline: armed far away, and its guard never lets it through.
    idleTimeout: ({ context }) => (context.idleTimeoutMs === undefined ? neverMs : Math.max(1, context.idleTimeoutMs - context.quietMs)),
    connectTimeout: ({ context }) => context.connectTimeoutMs,
    // Without a deadline the timer is armed far away and its guard never lets it through.
    deadline: ({ context }) => context.deadlineMs ?? neverMs,
  },
  guards: {
    adopted: ({ context }) => context.adoptedRun !== undefined,
    hasDeadline: ({ context }) => context.deadlineMs !== undefined,
    hasIdleTimeout: ({ context }) => context.idleTimeoutMs !== undefined,
    anotherShellToTry: ({ context, event }) => event.type === 'FAILED' && event.failure.reason === 'commandNotFound' && anotherShellIfMissing(context),
  },
  actions: {
    report: sendParent((_, fact: SessionFact): TerminalReport => ({ type: 'terminal.fact', fact })),
    beginNewRun: assign(({ context }) => ({
      run: context.run + 1,
      attempt: 0,
      exitCode: undefined,
      failure: undefined,
      disconnectReason: undefined,
    })),
    rememberSize: assign(({ context, event }) => (event.type === 'RESIZE' ? { size: { cols: event.cols, rows: event.rows } } : context)),
    rememberQuiet: assign({ quietMs: ({ event }) => (event.type === 'ACTIVITY' ? (event.quietMs ?? 0) : 0) }),
  },
}).createMachine({
  id: 'terminal',
  context: ({ input }) => ({ ...input, run: input.adoptedRun ?? 1, attempt: 0, quietMs: 0 }),
  initial: 'starting',
  on: {
    RESIZE: { actions: ['rememberSize', report(({ context }) => resized(context))] },
    CLOSE: { target: '.closed', actions: report(({ context, event }) => ({ type: 'session.closed', sessionId: context.sessionId, ...(event.type === 'CLOSE' && event.freesSlot ? { freesSlot: true as const } : {}) })) },
  },
  states: {
    // passed through at once: an adopted terminal rests ended, where its lost replica left it
    starting: { always: [{ guard: 'adopted', target: 'disconnected' }, { target: 'running' }] },
    running: {
      entry: report(({ context }) => ({ type: 'session.connecting', sessionId: context.sessionId, run: context.run, argv: argvOf(context) })),
      invoke: {
        id: 'stream',
        src: 'execStream',
        input: ({ context }) => ({
          sessionId: context.sessionId,
          run: context.run,
          target: context.target,
          ...(context.person ? { person: context.person } : {}),
          argv: argvOf(context),
          interactive: context.interactive,
          ...(context.stdin ? { stdin: true as const } : {}),
          size: context.size,
          idleNoticeMs: context.idleNoticeMs,
          ...(context.mode ? { mode: context.mode } : {}),
          ...(anotherShellIfMissing(context) ? { anotherShellIfMissing: true as const } : {}),
        }),
      },
      initial: 'connecting',
      after: {
        deadline: {
          guard: 'hasDeadline',
          target: 'timedOut',
          actions: report(({ context }) => ({ type: 'session.timedOut', sessionId: context.sessionId, afterMs: context.deadlineMs!, cause: 'deadline' })),
        },
      },
      on: {
        RESIZE: {
          actions: [
            'rememberSize',
            report(({ context }) => resized(context)),
            sendTo('stream', ({ context }): StreamCommand => ({ type: 'RESIZE', ...context.size })),
          ],
        },
        EXITED: {
          target: 'exited',
          actions: [
            assign({ exitCode: ({ event }) => event.code }),
            report(({ context }) => ({ type: 'session.exited', sessionId: context.sessionId, code: context.exitCode! })),
          ],
        },
        FAILED: [
          {
            guard: 'anotherShellToTry',
            target: 'running',
            reenter: true,
            actions: [reportAttemptFailed(), assign({ attempt: ({ context }) => context.attempt + 1 })],
          },
          {
            target: 'failed',
            actions: [
              reportAttemptFailed(),
              assign({ failure: ({ context, event }) => finalFailure(context, event) }),
              report(({ context }) => ({ type: 'session.failed', sessionId: context.sessionId, failure: context.failure!, tried: triedSoFar(context) })),
            ],
          },
        ],
        STOP: {
          target: 'stopped',
          actions: report(({ context, event }) => {
            const { because, by } = event as Extract<TerminalEvent, { type: 'STOP' }>;
            return { type: 'session.stopped', sessionId: context.sessionId, because, ...(by ? { by } : {}) };
          }),
        },
        DISCONNECT: {
          target: 'disconnected',
          actions: [
            assign({ disconnectReason: ({ event }) => event.reason }),
            report(({ context, event }) => ({
              type: 'session.disconnected',
              sessionId: context.sessionId,
              reason: context.disconnectReason!,
              ...(event.type === 'DISCONNECT' && event.detail ? { detail: event.detail } : {}),
            })),
          ],
        },
      },
      states: {
        connecting: {
          on: {
            CONNECTED: {
              target: 'live',
              actions: [
                'rememberQuiet',
                report(({ context, event }) => ({
                  type: 'session.connected',
                  sessionId: context.sessionId,
                  protocol: event.type === 'CONNECTED' ? event.protocol : '',
                  ...(event.type === 'CONNECTED' && event.debugContainer ? { debugContainer: event.debugContainer } : {}),
                })),
              ],
            },
          },
          after: {
            connectTimeout: {
              target: '#terminal.failed',
              actions: [
                assign({
                  // words a replay derives again and compares with the log's: older logs hold them as they are
                  failure: ({ context }) => ({
                    reason: 'connection' as const,
                    message: `The cluster did not start the exec within ${Math.round(context.connectTimeoutMs / 1000)} s. Check that the API server is reachable, then restart.`,
                  }),
                }),
                report(({ context }) => ({ type: 'session.failed', sessionId: context.sessionId, failure: context.failure!, tried: triedSoFar(context) })),
              ],
            },
          },
        },
        live: {
          initial: 'interactive',
          after: {
            idleTimeout: {
              guard: 'hasIdleTimeout',
              target: '#terminal.timedOut',
              actions: report(({ context }) => ({ type: 'session.timedOut', sessionId: context.sessionId, afterMs: context.idleTimeoutMs!, cause: 'idle' })),
            },
          },
          on: {
            // Re-entering `live` restarts both the idle notice and the idle timeout.
            ACTIVITY: { target: 'live', reenter: true, actions: ['rememberQuiet', report(({ context }) => activity(context))] },
          },
          states: {
            interactive: {
              after: { idleNotice: 'idle' },
            },
            idle: {
              entry: report(({ context }) => ({ type: 'session.idle', sessionId: context.sessionId })),
              on: {
                ACTIVITY: {
                  target: '#terminal.running.live',
                  reenter: true,
                  actions: ['rememberQuiet', report(({ context }) => activity(context)), report(({ context }) => ({ type: 'session.active', sessionId: context.sessionId }))],
                },
              },
            },
          },
        },
      },
    },
    exited: { on: restartOrClose },
    failed: { on: restartOrClose },
    timedOut: { on: restartOrClose },
    disconnected: { on: restartOrClose },
    stopped: { on: restartOrClose },
    closed: { type: 'final' },
  },
});

function resized(context: TerminalContext): SessionFact {
  return { type: 'session.resized', sessionId: context.sessionId, cols: context.size.cols, rows: context.size.rows };
}

function activity(context: TerminalContext): SessionFact {
  return { type: 'session.activity', sessionId: context.sessionId, ...(context.quietMs ? { quietMs: context.quietMs } : {}) };
}

function reportAttemptFailed() {
  return report(({ context, event }) => ({
    type: 'session.attemptFailed',
    sessionId: context.sessionId,
    failure: (event as Extract<TerminalEvent, { type: 'FAILED' }>).failure,
    argv: argvOf(context),
  }));
}

/** A missing executable gets our own sentence (which shells were tried); other failures keep the adapter's. */
function finalFailure(context: TerminalContext, event: TerminalEvent): ExecFailure {
  const failure = (event as Extract<TerminalEvent, { type: 'FAILED' }>).failure;
  if (failure.reason !== 'commandNotFound') return failure;
  return { reason: 'commandNotFound', message: commandNotFoundMessage(context.command, triedSoFar(context), context.target.container) };
}
