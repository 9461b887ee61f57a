// The audit trail: one record per run of every exec: who ran what, where, when, and how it
// ended. Built only from facts, so it never holds keystrokes or output. In memory it keeps the
// latest runs only (a start must not grow with history); the whole trail is the log's, and
// `octant-exec log export` writes it out.
import type { Draft } from 'immer';
import type { ActionMode } from '../../domain/exec-action.ts';
import type { Person } from '../../domain/person.ts';
import type { ExecTarget } from '../../domain/target.ts';
import type { ShareRole } from '../../domain/share.ts';
import type { LogEntry } from '../log-entry.ts';
import type { Projection } from '../projection.ts';
import { noteBatchCancel, stopperOf, type HoldsBatchCancels } from './batch-cancels.ts';

export type AuditOutcome =
  | { kind: 'exited'; code: number }
  | { kind: 'failed'; reason: string; message: string }
  | { kind: 'timedOut' }
  | { kind: 'disconnected'; reason: string }
  /** ended on purpose, the terminal kept: `batchCancelled` (`by` who cancelled the batch, in a team mode), or `endedByAdmin` (`by` whom) */
  | { kind: 'stopped'; because: string; by?: string }
  | { kind: 'closed' }
  | { kind: 'refused'; message: string };

export interface AuditRecord {
  requestId: string;
  sessionId?: string;
  run?: number;
  who: string;
  /** team mode: the person (with the groups the cluster saw) it ran for */
  person?: Person;
  target: Partial<ExecTarget> & { namespace: string; pod: string };
  argv: string[];
  interactive: boolean;
  /** debug (with its image), copy, attach, upload or download (with the path); absent: a plain exec */
  mode?: ActionMode;
  /** mode debug: the debug container the run was in */
  debugContainer?: string;
  startedAt: number;
  endedAt?: number;
  outcome?: AuditOutcome;
  /** who joined the run through a share of the terminal (docs/team-mode.md, "Sharing"), when, as what, and when they first typed in the run through it; the first SHARE_JOINS_KEPT joins, and past them (up to twice as many entries) who typed */
  joined?: { who: string; role: ShareRole; shareId: string; at: number; typedAt?: number }[];
  /** the run's recording, when it was recorded: GET /api/v1/sessions/SESSION/recording?run=RUN */
  recording?: AuditRecording;
  /** its terminal's last run, closed on its own, not by its owner: past their --max-ended-per-person (`kept`, the limit then), it had ended longest ago */
  closedOnItsOwn?: { because: 'tooManyEnded'; kept: number; at: number };
}

export interface AuditRecording {
  /** its name in the state directory's recordings/ folder */
  file: string;
  /** with keystrokes (--record-input) */
  input?: true;
  /** how it stopped, and its size then; absent while it is written */
  stopped?: 'ended' | 'limit' | 'user' | 'failed';
  bytes?: number;
}

/** joins kept in one run's record (a link reloaded all day must not grow it without end) */
export const SHARE_JOINS_KEPT = 100;

/** What every run of a session shares. */
type SessionBase = Pick<AuditRecord, 'requestId' | 'sessionId' | 'who' | 'person' | 'target' | 'interactive' | 'mode'>;

export interface AuditTrail extends HoldsBatchCancels {
  /** in the order the runs started */
  records: AuditRecord[];
  /** every session not closed: what its runs share, and its current run's record, numbered among all records ever (recordAt) */
  sessions: Record<string, { base: SessionBase; current: number }>;
  /** how many records were let go */
  dropped: number;
  /**
   * The numbers of the first records: runs still open when newer finished ones were let go past
   * them (a `top` left running must not keep every later run). Each record after them is
   * records[n - dropped]. Absent in a snapshot from before: none.
   */
  pinned?: number[];
}

/** runs the server keeps in memory (and GET /audit shows) */
export const AUDIT_RECORDS_KEPT = 2_000;

/** The trail, keeping at most about `keep` finished records (the oldest go first; a run still open stays). */
export function auditTrail(keep: number): Projection<AuditTrail> {
  return {
    initial: () => ({ records: [], sessions: {}, dropped: 0 }),
    apply(draft, entry) {
      applyAuditEntry(draft, entry);
      // Let go in batches, so a long trail is not shifted on every run.
      if (draft.records.length > keep + Math.ceil(keep / 10)) dropFinished(draft, draft.records.length - keep, true);
    },
  };
}

export const auditTrailProjection = auditTrail(AUDIT_RECORDS_KEPT);

/**
 * Lets go of up to `count` of the oldest finished records; returns how many went. `pastOpen`: a run
 * still open is passed (it stays, pinned before the rest), else the first one stops it, so what
 * went is the records' first `count` (the export streams them out in order).
 */
export function dropFinished(trail: Draft<AuditTrail>, count: number, pastOpen: boolean): number {
  const pinned = trail.pinned ?? [];
  const kept: number[] = [];
  let at = 0;
  let gone = 0;
  for (; gone < count && at < trail.records.length; at++) {
    if (trail.records[at].outcome) gone++;
    else if (pastOpen) kept.push(at < pinned.length ? pinned[at] : trail.dropped + at);
    else break;
  }
  trail.records.splice(0, at, ...trail.records.slice(0, at).filter((record) => !record.outcome));
  trail.pinned = [...kept, ...pinned.slice(at)];
  trail.dropped += gone;
  return gone;
}

/** Record number `n` (counted among all records ever), or undefined when it was let go. */
function recordAt(trail: Draft<AuditTrail>, n: number): Draft<AuditRecord> | undefined {
  const pinned = trail.pinned ?? [];
  if (n - trail.dropped >= pinned.length) return trail.records[n - trail.dropped];
  const at = pinned.indexOf(n);
  return at < 0 ? undefined : trail.records[at];
}

function applyAuditEntry(draft: Draft<AuditTrail>, entry: LogEntry): void {
  noteBatchCancel(draft, entry);
  const session = 'sessionId' in entry ? draft.sessions[entry.sessionId] : undefined;
  // undefined when the run's record was let go: it is finished, so nothing changes it any more
  const current = () => (session ? recordAt(draft, session.current) : undefined);
  const startRun = (base: SessionBase, run: number) => {
    draft.sessions[base.sessionId!] = { base, current: draft.dropped + draft.records.length };
    draft.records.push({ ...base, run, argv: [], startedAt: entry.time });
  };
  const finish = (outcome: AuditOutcome) => {
    const record = current();
    if (!record || record.outcome) return;
    record.outcome = outcome;
    record.endedAt = entry.time;
  };
  switch (entry.type) {
    case 'exec.refused':
      draft.records.push({
        requestId: entry.requestId,
        who: entry.action.requestedBy,
        ...(entry.action.person ? { person: entry.action.person } : {}),
        target: { namespace: entry.action.target.namespace, pod: entry.action.target.pod },
        argv: 'argv' in entry.action.command ? entry.action.command.argv : [entry.action.command.shell],
        interactive: entry.action.interactive,
        ...(entry.action.mode ? { mode: entry.action.mode } : {}),
        startedAt: entry.time,
        endedAt: entry.time,
        outcome: { kind: 'refused', message: entry.message },
      });
      break;
    case 'audit.record': {
      // A run retention removed. Its session stays known until its close (kept beside the
      // records): a log compacted by an earlier build expired sessions that were never closed,
      // and a restart of one is a run of its own, with what every run of the session shares.
      const { requestId, sessionId, who, person, target, interactive, mode } = entry.record;
      if (sessionId !== undefined) draft.sessions[sessionId] = { base: { requestId, sessionId, who, ...(person ? { person } : {}), target, interactive, ...(mode ? { mode } : {}) }, current: draft.dropped + draft.records.length };
      draft.records.push(entry.record);
      break;
    }
    case 'session.spawned':
      startRun({ requestId: entry.requestId, sessionId: entry.sessionId, who: entry.requestedBy, ...(entry.person ? { person: entry.person } : {}), target: entry.target, interactive: entry.interactive, ...(entry.mode ? { mode: entry.mode } : {}) }, 1);
      break;
    case 'session.connecting': {
      const record = current();
      if (record) record.argv = entry.argv;
      break;
    }
    case 'session.connected': {
      const record = current();
      if (record && entry.debugContainer) record.debugContainer = entry.debugContainer;
      break;
    }
    case 'session.restarted':
      if (session) startRun(session.base, entry.run);
      break;
    case 'recording.started': {
      const record = runRecord(draft, entry.sessionId, entry.run);
      if (record) record.recording = { file: entry.file, ...(entry.input ? { input: true as const } : {}) };
      break;
    }
    case 'recording.stopped': {
      // the stop may come after the run's end, or its session's close: the record is still that run's
      const record = runRecord(draft, entry.sessionId, entry.run);
      if (record?.recording?.file === entry.file) Object.assign(record.recording, { stopped: entry.reason, bytes: entry.bytes });
      break;
    }
    case 'session.exited':
      finish({ kind: 'exited', code: entry.code });
      break;
    case 'session.failed':
      finish({ kind: 'failed', reason: entry.failure.reason, message: entry.failure.message });
      break;
    case 'session.timedOut':
      finish({ kind: 'timedOut' });
      break;
    case 'session.disconnected':
      finish({ kind: 'disconnected', reason: entry.reason });
      break;
    case 'session.stopped': {
      // a batch's run: its request is the batch
      const by = session ? stopperOf(draft, entry, session.base.requestId) : entry.by;
      finish({ kind: 'stopped', because: entry.because, ...(by ? { by } : {}) });
      break;
    }
    case 'share.joined': {
      const record = current();
      if (!record) break;
      record.joined ??= [];
      if (record.joined.length < SHARE_JOINS_KEPT) record.joined.push({ who: entry.who, role: entry.role, shareId: entry.shareId, at: entry.time });
      break;
    }
    case 'share.typed': {
      // The log's share.typed facts go with the run at retention: its record keeps that they typed.
      // Only a participant types: on their latest join as one, or (joined in an earlier run of a
      // restarted terminal, or as a viewer since promoted) on an entry of its own, from now.
      const record = current();
      if (!record) break;
      record.joined ??= [];
      const join = record.joined.findLast((j) => j.who === entry.who && j.shareId === entry.shareId && j.role === 'participant');
      if (join) join.typedAt ??= entry.time;
      // past the joins' cap too (a viewer coming back again and again must not hide who typed): once per person and share a run
      else if (record.joined.length < 2 * SHARE_JOINS_KEPT) record.joined.push({ who: entry.who, role: 'participant', shareId: entry.shareId, at: entry.time, typedAt: entry.time });
      break;
    }
    case 'session.closed': {
      finish({ kind: 'closed' });
      const record = current();
      // (a record compaction wrote for the run says it already)
      const closed = closedOnItsOwn(entry);
      if (record && closed && !record.closedOnItsOwn) record.closedOnItsOwn = closed;
      delete draft.sessions[entry.sessionId];
      break;
    }
  }
}

/** What a close says on its terminal's last run: undefined for a close by its owner. */
export function closedOnItsOwn(entry: Extract<LogEntry, { type: 'session.closed' }>): AuditRecord['closedOnItsOwn'] {
  return entry.because ? { because: entry.because, kept: entry.kept ?? 0, at: entry.time } : undefined;
}

/** The record of a session's run, newest first (undefined when it was let go). */
function runRecord(trail: Draft<AuditTrail>, sessionId: string, run: number): Draft<AuditRecord> | undefined {
  for (let i = trail.records.length - 1; i >= 0; i--) if (trail.records[i].sessionId === sessionId && trail.records[i].run === run) return trail.records[i];
  return undefined;
}
