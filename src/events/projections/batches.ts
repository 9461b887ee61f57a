// Batches: for each, one result per container (exit code or why it failed, how long it took)
// and the totals. Outputs stay with their terminals; only the summary is gathered here. The
// latest batches only: a start must not grow with history (each run is in the audit trail).
import type { Draft } from 'immer';
import type { Person } from '../../domain/person.ts';
import type { ExecTarget } from '../../domain/target.ts';
import type { BatchStop } from '../../machines/facts.ts';
import type { Projection } from '../projection.ts';
import { disconnectText } from './alerts.ts';

/**
 * `cancelled`: a cancel of the batch stopped it while the command ran (its terminal stays, ended
 * `stopped`, with its output); `closed`: its terminal was closed while the command ran (by someone,
 * or by a cancel an older build logged), so how it would have ended is not known; `notStarted`: the
 * batch ended before it came to it (cancelled, or the server stopped)
 */
export type BatchResultState = 'queued' | 'running' | 'exited' | 'failed' | 'timedOut' | 'disconnected' | 'cancelled' | 'closed' | 'skipped' | 'notStarted';

export interface BatchResult {
  target: ExecTarget;
  state: BatchResultState;
  sessionId?: string;
  exitCode?: number;
  /** why it failed, timed out, was skipped or disconnected */
  reason?: string;
  startedAt?: number;
  durationMs?: number;
}

export interface BatchRow {
  batchId: string;
  argv: string[];
  requestedBy: string;
  /** team mode: whom it runs for, its owner */
  person?: Person;
  /** the replica that runs it, when several share one log (absent in a batch an older build logged: its id's prefix says it) */
  replica?: string;
  concurrency: number;
  timeoutMs?: number;
  state: 'running' | 'done';
  startedAt: number;
  finishedAt?: number;
  /** it stopped before its end: cancelled (`by` whom, in a team mode) or every exec ended, `at` that time */
  stopped?: { because: BatchStop; by?: string; at: number };
  results: BatchResult[];
  /** `notStarted`, `cancelled`: absent in rows of older snapshots */
  totals: { succeeded: number; failed: number; skipped: number; notStarted?: number; cancelled?: number };
}

export interface Batches {
  byId: Record<string, BatchRow>;
  /** session id → [batch id, result index] */
  sessions: Record<string, [string, number]>;
}

/** batches kept (GET /batches shows them); the oldest finished ones go first */
export const BATCHES_KEPT = 200;

const sameTarget = (a: ExecTarget, b: ExecTarget) => a.namespace === b.namespace && a.pod === b.pod && a.container === b.container && a.context === b.context;

export const batchesProjection: Projection<Batches> = {
  initial: () => ({ byId: {}, sessions: {} }),
  apply(draft, entry) {
    if (entry.type === 'batch.started') {
      draft.byId[entry.batchId] = {
        batchId: entry.batchId,
        argv: entry.action.argv,
        requestedBy: entry.action.requestedBy,
        ...(entry.action.person ? { person: entry.action.person } : {}),
        ...(entry.replica ? { replica: entry.replica } : {}),
        concurrency: entry.action.concurrency,
        timeoutMs: entry.action.timeoutMs,
        state: 'running',
        startedAt: entry.time,
        results: [...entry.targets.map((target) => ({ target, state: 'queued' as const })), ...entry.skipped.map(({ target, reason }) => ({ target, state: 'skipped' as const, reason }))],
        totals: { succeeded: 0, failed: 0, skipped: entry.skipped.length, notStarted: 0, cancelled: 0 },
      };
      if (Object.keys(draft.byId).length > BATCHES_KEPT + BATCHES_KEPT / 10) dropOldestDone(draft, BATCHES_KEPT);
      return;
    }
    if (entry.type === 'batch.stopped' || entry.type === 'batch.finished') {
      // A batch ends once. Its end logged again (a lost replica's second claimer, whose lists had not
      // yet heard the first's) would say it stopped later, and count the queued targets again: none.
      const batch = draft.byId[entry.batchId];
      if (!batch || batch.state === 'done') return;
      if (entry.type === 'batch.stopped') {
        batch.stopped = { because: entry.because, ...(entry.by ? { by: entry.by } : {}), at: entry.time };
        return;
      }
      Object.assign(batch, { state: 'done', finishedAt: entry.time });
      // what is queued at the end never started (batch.stopped lists them; an older log, where a
      // server's stop left them so unsaid, finds them here all the same)
      const notStarted = batch.results.filter((result) => result.state === 'queued');
      for (const result of notStarted) result.state = 'notStarted';
      batch.totals.notStarted = notStarted.length;
      return;
    }
    if (entry.type === 'session.spawned' && entry.batchId) {
      const batch = draft.byId[entry.batchId];
      const index = batch?.results.findIndex((r) => r.state === 'queued' && sameTarget(r.target, entry.target)) ?? -1;
      if (!batch || index < 0) return;
      Object.assign(batch.results[index], { state: 'running', sessionId: entry.sessionId, startedAt: entry.time });
      draft.sessions[entry.sessionId] = [entry.batchId, index];
      return;
    }
    if (!('sessionId' in entry) || !draft.sessions[entry.sessionId]) return;
    const [batchId, index] = draft.sessions[entry.sessionId];
    const batch = draft.byId[batchId];
    const result = batch.results[index];
    if (result.state !== 'running') return;
    const finish = (state: BatchResultState, counted: 'succeeded' | 'failed' | 'cancelled', extra: Partial<BatchResult>) => {
      Object.assign(result, { state, durationMs: entry.time - (result.startedAt ?? entry.time), ...extra });
      batch.totals[counted] = (batch.totals[counted] ?? 0) + 1;
    };
    switch (entry.type) {
      case 'session.exited':
        finish('exited', entry.code === 0 ? 'succeeded' : 'failed', { exitCode: entry.code });
        break;
      case 'session.failed':
        finish('failed', 'failed', { reason: entry.failure.message });
        break;
      case 'session.timedOut': // idle: a batch logged before its runs had no idle timeout
        finish('timedOut', 'failed', { reason: entry.cause === 'idle' ? `no output for ${Math.round(entry.afterMs / 1000)} s` : `ran longer than its ${Math.round(entry.afterMs / 1000)} s timeout` });
        break;
      case 'session.disconnected':
        finish('disconnected', 'failed', { reason: entry.detail ?? entry.reason });
        break;
      case 'session.stopped': // a cancel of the batch: its terminal stays, with the output so far
        finish('cancelled', 'cancelled', {});
        break;
      case 'session.closed': // straight from running: no ending came first
        finish('closed', 'failed', {});
        break;
    }
  },
};

/** Lets go of the oldest finished batches (ids are in the order started) until `keep` are left. */
function dropOldestDone(draft: Draft<Batches>, keep: number): void {
  let extra = Object.keys(draft.byId).length - keep;
  for (const [batchId, batch] of Object.entries(draft.byId)) {
    if (extra <= 0) break;
    if (batch.state !== 'done') continue;
    for (const result of batch.results) if (result.sessionId) delete draft.sessions[result.sessionId];
    delete draft.byId[batchId];
    extra--;
  }
}

/**
 * Why a result ended, in words: a disconnect is kept as its reason's code (or the cluster's
 * sentence, when it gave one), which is said as an alert says it.
 */
export function reasonText(result: BatchResult): string | undefined {
  const { reason } = result;
  return result.state === 'disconnected' && reason !== undefined && Object.hasOwn(disconnectText, reason) ? disconnectText[reason as keyof typeof disconnectText] : reason;
}

/** Failed first, then the rest in their order: what a summary table shows. */
export function resultsFailedFirst(batch: BatchRow): BatchResult[] {
  const failed = (r: BatchResult) => r.state !== 'exited' || r.exitCode !== 0;
  return [...batch.results.filter(failed), ...batch.results.filter((r) => !failed(r))];
}
