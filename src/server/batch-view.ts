// A batch as the API and the socket show it: the projection's row with its results failed
// first (what a summary table lists), each reason in words, the same shape in GET /batches and in
// `batch` messages.
import { reasonText, resultsFailedFirst, type BatchRow, type Batches } from '../events/projections/batches.ts';

export function batchView(row: BatchRow): BatchRow {
  return { ...row, results: resultsFailedFirst(row).map((result) => (result.reason === undefined ? result : { ...result, reason: reasonText(result) })) };
}

/** Every batch, in the order they were started. */
export function batchViews(batches: Batches): BatchRow[] {
  return Object.values(batches.byId)
    .sort((a, b) => a.startedAt - b.startedAt || batchNumber(a.batchId) - batchNumber(b.batchId))
    .map(batchView);
}

function batchNumber(id: string): number {
  return Number(/\d+$/.exec(id)?.[0] ?? 0);
}
