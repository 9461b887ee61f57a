// A projection folds log entries into a read model with immer: the same entries always give the
// same model, whether applied one by one as they are appended or all at once after a restart.
import { produce, type Draft } from 'immer';
import type { LogEntry } from './log-entry.ts';

export interface Projection<Model> {
  initial(): Model;
  apply(draft: Draft<Model>, entry: LogEntry): void;
}

/** The model after `entries`, in one immer draft: copying a large model once, not per entry. */
export function applyEntries<Model>(projection: Projection<Model>, model: Model, entries: Iterable<LogEntry>): Model {
  return produce(model, (draft) => {
    for (const entry of entries) projection.apply(draft, entry);
  });
}

export function project<Model>(projection: Projection<Model>, entries: Iterable<LogEntry>): Model {
  return applyEntries(projection, projection.initial(), entries);
}
