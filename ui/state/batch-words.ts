// A batch as the batch page says it: each result's words and badge tone, the totals, durations,
// and which of its terminals are still open. The reasons are the server's sentences (batch-view.ts).
import type { BatchResult, BatchRow, SessionRow } from '../../src/protocol/index.ts';
import type { AppState, BadgeTone } from './app-state.ts';

/** One row of a batch summary in words: exit N, failed: why, skipped: why, running, queued, cancelled while running, not started. */
export function batchResultText(result: BatchResult): { text: string; tone: BadgeTone } {
  switch (result.state) {
    case 'queued':
      return { text: 'queued', tone: 'quiet' };
    case 'running':
      return { text: 'running', tone: 'busy' };
    case 'exited':
      return { text: `exit ${result.exitCode ?? '?'}`, tone: result.exitCode === 0 ? 'done' : 'bad' };
    case 'failed':
      return { text: `failed: ${result.reason ?? 'unknown reason'}`, tone: 'bad' };
    case 'timedOut':
      return { text: `timed out: ${result.reason ?? ''}`.trim(), tone: 'warn' };
    case 'disconnected':
      return { text: `disconnected: ${result.reason ?? ''}`.trim(), tone: 'warn' };
    case 'cancelled':
      return { text: 'cancelled while running', tone: 'warn' };
    case 'closed':
      return { text: 'closed while running', tone: 'warn' };
    case 'skipped':
      return { text: `skipped: ${result.reason ?? ''}`.trim(), tone: 'quiet' };
    case 'notStarted':
      return { text: 'not started', tone: 'quiet' };
    default:
      // a state a newer server has and this page does not know (reload for its words)
      return { text: String(result.state), tone: 'quiet' };
  }
}

/** "1.2 s", "350 ms", or a dash while it has not ended. */
export function durationText(ms: number | undefined): string {
  if (ms === undefined) return '—';
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** The totals, with the runs a cancel stopped and those a stopped batch never began when there are any (each result is counted once). */
export function batchTotalsText(batch: BatchRow): string {
  const { succeeded, failed, skipped, notStarted, cancelled } = batch.totals;
  return `${succeeded} succeeded, ${failed} failed, ${skipped} skipped${cancelled ? `, ${cancelled} cancelled` : ''}${notStarted ? `, ${notStarted} not started` : ''}`;
}

/** Why a batch stopped before its end, for its page's details line: a cancel (by whom: an admin, when not its `owner`), or what ended every exec. */
export function batchStopText(stopped: NonNullable<BatchRow['stopped']>, owner?: string): string {
  switch (stopped.because) {
    case 'cancelled':
      if (stopped.by && owner !== undefined && stopped.by !== owner) return `stopped by ${stopped.by}, an admin of octant-exec`;
      return `stopped${stopped.by ? ` by ${stopped.by}` : ''}`;
    case 'replicaLost':
      return 'ended: the replica running it stopped answering';
    case 'serverShutdown':
    case 'restarted':
      return 'ended: the server running it stopped';
    default:
      // every exec ended otherwise (a reason a newer server has is shown as its word)
      return `ended: ${String(stopped.because)}`;
  }
}

/** The terminals of a batch that are still open, in the batch's target order. */
export function sessionsOfBatch(state: AppState, batch: BatchRow): SessionRow[] {
  const ids = new Set(batch.results.map((r) => r.sessionId).filter((id): id is string => !!id));
  return state.sessions.order.filter((id) => ids.has(id)).map((id) => state.sessions.byId[id]).filter((row): row is SessionRow => !!row);
}
