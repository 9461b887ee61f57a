// The audit trail: one record per run of every exec: who ran what, where, when, and how it
// ended. Built only from facts, so it never holds keystrokes or output.
import type { ExecTarget } from '../../domain/target.ts';
import type { Projection } from '../projection.ts';

export type AuditOutcome =
  | { kind: 'exited'; code: number }
  | { kind: 'failed'; reason: string; message: string }
  | { kind: 'timedOut' }
  | { kind: 'disconnected'; reason: string }
  | { kind: 'closed' }
  | { kind: 'refused'; message: string };

export interface AuditRecord {
  requestId: string;
  sessionId?: string;
  run?: number;
  who: string;
  target: Partial<ExecTarget> & { namespace: string; pod: string };
  argv: string[];
  interactive: boolean;
  startedAt: number;
  endedAt?: number;
  outcome?: AuditOutcome;
}

export interface AuditTrail {
  records: AuditRecord[];
  /** index into records of each session's current run */
  openRun: Record<string, number>;
}

export const auditTrailProjection: Projection<AuditTrail> = {
  initial: () => ({ records: [], openRun: {} }),
  apply(draft, entry) {
    const current = () => ('sessionId' in entry ? draft.records[draft.openRun[entry.sessionId]] : undefined);
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
          target: { namespace: entry.action.target.namespace, pod: entry.action.target.pod },
          argv: 'argv' in entry.action.command ? entry.action.command.argv : [entry.action.command.shell],
          interactive: entry.action.interactive,
          startedAt: entry.time,
          endedAt: entry.time,
          outcome: { kind: 'refused', message: entry.message },
        });
        break;
      case 'session.spawned':
        draft.openRun[entry.sessionId] = draft.records.length;
        draft.records.push({
          requestId: entry.requestId,
          sessionId: entry.sessionId,
          run: 1,
          who: entry.requestedBy,
          target: entry.target,
          argv: [],
          interactive: entry.interactive,
          startedAt: entry.time,
        });
        break;
      case 'session.connecting': {
        const record = current();
        if (record) record.argv = entry.argv;
        break;
      }
      case 'session.restarted': {
        const previous = current();
        if (!previous) break;
        draft.openRun[entry.sessionId] = draft.records.length;
        draft.records.push({ ...previous, run: entry.run, argv: [], startedAt: entry.time, endedAt: undefined, outcome: undefined });
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
      case 'session.closed':
        finish({ kind: 'closed' });
        delete draft.openRun[entry.sessionId];
        break;
    }
  },
};
