// The domain facts the machines report: each becomes one entry of the event log.
// Never terminal input or output, never tokens: only what happened to whom.
import type { BatchAction, SkippedTarget } from '../domain/batch.ts';
import type { ActionMode, ExecAction } from '../domain/exec-action.ts';
import type { Person } from '../domain/person.ts';
import type { ShareFact } from '../domain/share.ts';
import type { ExecFailure, ExecTarget } from '../domain/target.ts';

/** replicaLost: the replica that held its exec stream stopped answering (several replicas share one log) */
export type DisconnectReason = 'streamDropped' | 'serverShutdown' | 'restarted' | 'podDeleted' | 'replicaLost';

/**
 * Why a run was stopped on purpose, its terminal kept with its output: its batch was cancelled, or
 * an admin ended it (a person offboarded: docs/team-mode.md), the owner seeing why and who.
 */
export type StopReason = 'batchCancelled' | 'endedByAdmin';

/** Why a batch stopped before its end: someone cancelled it, or every exec ended (the server stopping or restarting). */
export type BatchStop = 'cancelled' | DisconnectReason;

export interface SessionSpawned {
  type: 'session.spawned';
  sessionId: string;
  /** the exec action or batch that made it */
  requestId: string;
  batchId?: string;
  target: ExecTarget;
  command: ExecAction['command'];
  interactive: boolean;
  /** no terminal, but stdin */
  stdin?: true;
  requestedBy: string;
  /** team mode: the person it runs for (impersonated in every cluster call), its owner */
  person?: Person;
  /** absent: none (a batch's run, logged since those have none) */
  idleTimeoutMs?: number;
  /** the action's mode (debug, copy, attach, upload, download); absent: a plain exec */
  mode?: ActionMode;
  /** the replica that holds its exec stream, when several share one log */
  replica?: string;
}

export type SessionFact =
  | SessionSpawned
  | { type: 'session.connecting'; sessionId: string; run: number; argv: string[] }
  /** `debugContainer`: the ephemeral container a debug action's run is in (added for it, or reused) */
  | { type: 'session.connected'; sessionId: string; protocol: string; debugContainer?: string }
  /** input or output `quietMs` before this entry's time (absent: at it) */
  | { type: 'session.activity'; sessionId: string; quietMs?: number }
  | { type: 'session.resized'; sessionId: string; cols: number; rows: number }
  | { type: 'session.idle'; sessionId: string }
  | { type: 'session.active'; sessionId: string }
  | { type: 'session.timedOut'; sessionId: string; afterMs: number; cause: 'idle' | 'deadline' }
  | { type: 'session.attemptFailed'; sessionId: string; failure: ExecFailure; argv: string[] }
  | { type: 'session.failed'; sessionId: string; failure: ExecFailure; tried: string[] }
  | { type: 'session.exited'; sessionId: string; code: number }
  /** `replica`: replicaLost, the lost replica that held it (a claimer's end of it, logged once: src/events/once-keys.ts) */
  | { type: 'session.disconnected'; sessionId: string; reason: DisconnectReason; detail?: string; replica?: string }
  /** its run was ended on purpose (a cancel of its batch; an admin, `by` whom); the terminal stays, ended, with its output */
  | { type: 'session.stopped'; sessionId: string; because: StopReason; by?: string }
  /** `counted`: it counts in its batch (a restart logged since it does; one logged before replays as it ran then) */
  | { type: 'session.restarted'; sessionId: string; run: number; counted?: true }
  /** `running`: the terminal has not ended; absent: at the limit of live terminals (the only reason 0.1.0 logged) */
  | { type: 'session.restartRefused'; sessionId: string; message: string; because?: 'running' }
  /**
   * `freesSlot`: a live terminal's close frees its slot, its batch's too (logged since it does; one logged before replays as it ran then).
   * `because` tooManyEnded: closed on its own, its owner past `kept` ended terminals (--max-ended-per-person), this one ended longest ago
   */
  | { type: 'session.closed'; sessionId: string; freesSlot?: true; because?: 'tooManyEnded'; kept?: number }
  /** replica `replica` took over an ended terminal of replica `from`, which was lost */
  | { type: 'session.adopted'; sessionId: string; replica: string; from: string };

export type ExecFact =
  | { type: 'exec.requested'; requestId: string; action: ExecAction; containers: string[]; sessionIds: string[] }
  | { type: 'exec.refused'; requestId: string; action: ExecAction; containers: string[]; message: string };

export type BatchFact =
  /**
   * `noIdleTimeout`: its runs have none (logged since they do not; a batch logged before replays
   * with the server's). `replica`: the one that runs it, when several share one log (logged since
   * a lost replica's batches are ended: an older build's batch is known by its id's prefix)
   */
  | { type: 'batch.started'; batchId: string; action: BatchAction; targets: ExecTarget[]; skipped: SkippedTarget[]; noIdleTimeout?: true; replica?: string }
  /**
   * Nothing more of it starts: `notStarted` never will. A cancel (`by` whom, in a team mode) is an
   * input; a stop of every exec is logged too, since a replay gets only each terminal's end and
   * would start the queued targets at them otherwise. `keepsTerminals`: the cancel stopped the
   * running terminals and kept them (`session.stopped`); logged since it does: a cancel an older
   * build logged without it closed them, and replays so.
   */
  | { type: 'batch.stopped'; batchId: string; because: BatchStop; notStarted: ExecTarget[]; by?: string; keepsTerminals?: true }
  | { type: 'batch.finished'; batchId: string };

/**
 * A terminal's run recorded (docs/recordings.md): `file` is the name in the state directory's
 * recordings/ folder (compressed at rest as `file`.gz once the run ends). Reported by the server's
 * recorder, passed through the supervisor so that a replay derives them again.
 */
export type RecordingFact =
  /** the owner asked (on) or stopped asking (off) for the terminal's runs to be recorded (--record opt-in): kept in the log, so a restart or another replica keeps the wish */
  | { type: 'recording.wanted'; sessionId: string; on: boolean }
  | { type: 'recording.started'; sessionId: string; run: number; file: string; input?: true }
  /** ended: the run ended; limit: --record-max-bytes; user: turned off; failed: the disk refused it */
  | { type: 'recording.stopped'; sessionId: string; run: number; file: string; reason: 'ended' | 'limit' | 'user' | 'failed'; bytes: number };

/** What the server decides and the machines only pass on (src/machines/supervisor.ts, SERVER_FACT): logged through the supervisor, so a replay gives it again. */
export type ServerFact = ShareFact | RecordingFact;

export type Fact = SessionFact | ExecFact | BatchFact | ServerFact;

/** shares (src/domain/share.ts) and recordings (docs/recordings.md) */
export function isServerFact(fact: { type: string }): fact is ServerFact {
  return fact.type.startsWith('share.') || fact.type.startsWith('recording.');
}
export type FactType = Fact['type'];
