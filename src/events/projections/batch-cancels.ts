// Who cancelled a batch, from its stop until it finishes. A cancel's stops of the batch's running
// runs (`session.stopped`, `batchCancelled`) come between the two and name nobody (the machines
// derive them from the batch's stop, `by` whom), so a projection that says who stopped a run keeps
// this beside its model, and nothing once the batch is done.
import type { LogEntry } from '../log-entry.ts';

/** A model that keeps who cancelled each running batch (batch id → who), while there is one. */
export interface HoldsBatchCancels {
  cancelledBy?: Record<string, string>;
}

/** Notes who cancelled at a batch's stop (in a team mode), and forgets it at the batch's finish. */
export function noteBatchCancel(model: HoldsBatchCancels, entry: LogEntry): void {
  if (entry.type === 'batch.stopped' && entry.because === 'cancelled' && entry.by) (model.cancelledBy ??= {})[entry.batchId] = entry.by;
  if (entry.type !== 'batch.finished' || !model.cancelledBy) return;
  delete model.cancelledBy[entry.batchId];
  if (Object.keys(model.cancelledBy).length === 0) delete model.cancelledBy;
}

/**
 * Who stopped a run (`session.stopped`): the fact's own `by` (an admin's end), or for a cancel of
 * its batch (`batchId`: the request that made the run) whoever cancelled it.
 */
export function stopperOf(model: HoldsBatchCancels, entry: Extract<LogEntry, { type: 'session.stopped' }>, batchId: string): string | undefined {
  return entry.by ?? (entry.because === 'batchCancelled' ? model.cancelledBy?.[batchId] : undefined);
}
