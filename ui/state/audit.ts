// The Audit page's logic: the records `GET /api/v1/audit` gave (already cut by the server to what
// the caller may see), filtered here by person, pod and outcome, put in words, and written out as
// JSON Lines in the same shape `octant-exec log export` writes (one record per line).
import type { AuditRecord } from '../../src/protocol/index.ts';

export type OutcomeKind = NonNullable<AuditRecord['outcome']>['kind'] | 'running';

export const OUTCOME_KINDS: readonly { kind: OutcomeKind; text: string }[] = [
  { kind: 'running', text: 'running' },
  { kind: 'exited', text: 'exited' },
  { kind: 'failed', text: 'failed' },
  { kind: 'timedOut', text: 'timed out' },
  { kind: 'disconnected', text: 'disconnected' },
  { kind: 'stopped', text: 'stopped' },
  { kind: 'closed', text: 'closed' },
  { kind: 'refused', text: 'refused' },
];

/** Empty strings mean "any". */
export interface AuditFilter {
  person: string;
  /** `namespace/pod` */
  pod: string;
  outcome: OutcomeKind | '';
}

export const NO_AUDIT_FILTER: AuditFilter = { person: '', pod: '', outcome: '' };

export interface AuditView {
  loading: boolean;
  /** false until the first answer */
  loaded: boolean;
  records: AuditRecord[];
  error?: string;
  filter: AuditFilter;
}

export const initialAudit = (): AuditView => ({ loading: false, loaded: false, records: [], filter: NO_AUDIT_FILTER });

/** Who ran it: the signed-in person in a team mode, else the kube context user the server recorded. */
export function auditPerson(record: AuditRecord): string {
  return record.person?.user ?? record.who;
}

export function auditPod(record: AuditRecord): string {
  return `${record.target.namespace}/${record.target.pod}`;
}

export function outcomeKind(record: AuditRecord): OutcomeKind {
  return record.outcome?.kind ?? 'running';
}

/**
 * How a run ended, in a few words: "exited 42", "failed: shell missing", "refused: …", "running";
 * and when its terminal was closed on its own (not by its owner: past their ended-terminal limit), that too.
 */
export function outcomeText(record: AuditRecord): string {
  const closed = record.closedOnItsOwn;
  if (!closed) return endingText(record);
  return `${endingText(record)}, then closed on its own (at most ${closed.kept} ended terminals are kept per person)`;
}

function endingText(record: AuditRecord): string {
  const outcome = record.outcome;
  if (!outcome) return 'running';
  switch (outcome.kind) {
    case 'exited':
      return `exited ${outcome.code}`;
    case 'failed':
      return `failed: ${outcome.message || outcome.reason}`;
    case 'timedOut':
      return 'timed out';
    case 'disconnected':
      return `disconnected: ${outcome.reason}`;
    case 'stopped':
      if (outcome.because === 'endedByAdmin') return `ended by admin ${outcome.by ?? ''}`.trimEnd();
      if (outcome.because !== 'batchCancelled') return `stopped: ${outcome.because}`;
      // its owner's own cancel is theirs to know; anyone else's is an admin's
      return outcome.by && outcome.by !== auditPerson(record) ? `stopped: its batch was stopped by admin ${outcome.by}` : 'stopped: its batch was cancelled';
    case 'closed':
      return 'closed';
    case 'refused':
      return `refused: ${outcome.message}`;
    default:
      // an ending a newer server has and this page does not know (reload for its words)
      return String((outcome as { kind: unknown }).kind);
  }
}

export function filterAudit(records: readonly AuditRecord[], filter: AuditFilter): AuditRecord[] {
  return records.filter(
    (record) =>
      (!filter.person || auditPerson(record) === filter.person) && (!filter.pod || auditPod(record) === filter.pod) && (!filter.outcome || outcomeKind(record) === filter.outcome),
  );
}

/** The choices of a filter: every distinct value the records have, sorted. */
export function auditChoices(records: readonly AuditRecord[]): { people: string[]; pods: string[] } {
  const people = new Set<string>();
  const pods = new Set<string>();
  for (const record of records) {
    people.add(auditPerson(record));
    pods.add(auditPod(record));
  }
  return { people: [...people].sort(), pods: [...pods].sort() };
}

/** Newest first, as a person reads a trail; the export keeps the server's order (oldest first, as `log export`). */
export function newestFirst(records: readonly AuditRecord[]): AuditRecord[] {
  return [...records].sort((a, b) => b.startedAt - a.startedAt);
}

export function toJsonLines(records: readonly AuditRecord[]): string {
  return records.map((record) => JSON.stringify(record) + '\n').join('');
}

/** "octant-exec-audit-2026-01-31.jsonl" */
export function exportFileName(now: Date): string {
  return `octant-exec-audit-${now.toISOString().slice(0, 10)}.jsonl`;
}
