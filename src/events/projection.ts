// A projection folds log entries into a read model with immer: the same entries always give the
// same model, whether applied one by one as they are appended or all at once after a restart.
import { produce, type Draft } from 'immer';
import type { LogEntry } from './log-entry.ts';

export interface Projection<Model> {
  initial(): Model;
  apply(draft: Draft<Model>, entry: LogEntry): void;
}

export function applyEntry<Model>(projection: Projection<Model>, model: Model, entry: LogEntry): Model {
  return produce(model, (draft) => projection.apply(draft, entry));
}

export function project<Model>(projection: Projection<Model>, entries: Iterable<LogEntry>): Model {
  return produce(projection.initial(), (draft) => {
    for (const entry of entries) projection.apply(draft, entry);
  });
}
