// Every recorded run the server may still hold a file for, beyond the audit trail's latest runs
// (GET /sessions/ID/recording reads here, so a recording stays reachable as long as retention
// keeps its file): whose run it was (the user: not the groups), so only they and admins get it,
// and the file the log named.
// Bounded: past RECORDED_RUNS_KEPT the oldest go (their files, if any are left, stay on disk for
// retention to remove). A record whose file retention removed stays until then: reading it says gone.
import type { Draft } from 'immer';
import type { Person } from '../../domain/person.ts';
import type { AuditRecord, AuditRecording, AuditTrail } from './audit-trail.ts';
import type { LogEntry } from '../log-entry.ts';
import type { Projection } from '../projection.ts';

export interface RecordedRun {
  sessionId: string;
  run: number;
  who: string;
  person?: Person;
  recording: AuditRecording;
}

type Owner = Pick<RecordedRun, 'who' | 'person'>;

export interface Recordings {
  /** oldest first */
  runs: RecordedRun[];
  /** whose each session not yet closed is (a recording starts only in one) */
  owners: Record<string, Owner>;
}

/** recorded runs kept (a few hundred bytes each, in memory and in every snapshot) */
export const RECORDED_RUNS_KEPT = 10_000;

// only the user: access goes by it (caller.ts owns/sees), and a person's groups kept 10,000 times would swell every snapshot
const owner = (from: { who: string; person?: Person }): Owner => ({ who: from.who, ...(from.person ? { person: { user: from.person.user, groups: [] } } : {}) });

export function recordings(keep: number): Projection<Recordings> {
  return {
    initial: () => ({ runs: [], owners: {} }),
    apply(draft, entry) {
      applyRecordingEntry(draft, entry);
      // Let go in batches, so a long list is not shifted on every recording.
      if (draft.runs.length > keep + Math.ceil(keep / 10)) draft.runs.splice(0, draft.runs.length - keep);
    },
  };
}

export const recordingsProjection = recordings(RECORDED_RUNS_KEPT);

function applyRecordingEntry(draft: Draft<Recordings>, entry: LogEntry): void {
  switch (entry.type) {
    case 'session.spawned':
      draft.owners[entry.sessionId] = owner({ who: entry.requestedBy, person: entry.person });
      break;
    case 'audit.record': {
      // a run retention compacted: its record says whether it was recorded, and (session not closed) whose the session is
      const { sessionId, run, recording } = entry.record;
      if (sessionId === undefined) break;
      draft.owners[sessionId] = owner(entry.record);
      if (recording && run !== undefined) draft.runs.push({ sessionId, run, ...owner(entry.record), recording });
      break;
    }
    case 'recording.started': {
      const known = draft.owners[entry.sessionId];
      if (!known) break;
      const recording = { file: entry.file, ...(entry.input ? { input: true as const } : {}) };
      const same = findRun(draft, entry.sessionId, entry.run, entry.file);
      if (same) same.recording = recording; // turned off and on: it goes on in its file
      else draft.runs.push({ sessionId: entry.sessionId, run: entry.run, ...known, recording });
      break;
    }
    case 'recording.stopped': {
      // the stop may come after its session's close: the run is found by its file
      const same = findRun(draft, entry.sessionId, entry.run, entry.file);
      if (same) Object.assign(same.recording, { stopped: entry.reason, bytes: entry.bytes });
      break;
    }
    case 'session.closed':
      delete draft.owners[entry.sessionId];
      break;
  }
}

function findRun(draft: Draft<Recordings>, sessionId: string, run: number, file: string): Draft<RecordedRun> | undefined {
  for (let i = draft.runs.length - 1; i >= 0; i--) {
    const candidate = draft.runs[i];
    if (candidate.sessionId === sessionId && candidate.run === run && candidate.recording.file === file) return candidate;
  }
  return undefined;
}

/**
 * For a snapshot written before this list was kept: what its audit trail still holds (its latest
 * runs; older recordings stay unreachable, as they were) and whose its open sessions are.
 */
export function recordingsFromTrail(trail: AuditTrail): Recordings {
  const recorded = (r: AuditRecord): r is AuditRecord & { sessionId: string; run: number; recording: AuditRecording } => r.sessionId !== undefined && r.run !== undefined && r.recording !== undefined;
  return {
    runs: trail.records.filter(recorded).map((r) => ({ sessionId: r.sessionId, run: r.run, ...owner(r), recording: r.recording })),
    owners: Object.fromEntries(Object.entries(trail.sessions).map(([id, { base }]) => [id, owner(base)])),
  };
}
