// Retention of recordings (the recorder's expire): a recording goes with its run, by the audit
// trail's end of that run, so a run still going keeps its recording however long ago it stopped.
// Only the recorder's own names are listed (the storage holds nothing else).
import type { AuditRecord } from '../events/projections/audit-trail.ts';
import { errorText } from '../runtime/error-text.ts';
import type { RecordingStorage } from './recording-storage.ts';

/**
 * Removes the recordings whose run ended before `time` (a run the trail has let go, by when its
 * recording was last written), except those still written to or turned off in a run that goes
 * on (`open`). Resolves with how many went; what cannot be listed or removed is warned of, to be
 * tried again at the next compaction.
 */
export async function removeExpired(storage: RecordingStorage, records: readonly AuditRecord[], open: ReadonlySet<string>, time: number, warn: (message: string) => void): Promise<number> {
  const runs = new Map(records.filter((r) => r.recording).map((r) => [r.recording!.file, r]));
  let removed = 0;
  try {
    for (const { name, writtenAt } of await storage.list()) {
      if (open.has(name)) continue;
      const run = runs.get(name);
      const ended = run ? run.endedAt : writtenAt;
      if (ended === undefined || ended >= time) continue;
      try {
        await storage.remove(name);
        removed++;
      } catch (error) {
        warn(`recording ${name} could not be removed by retention (${errorText(error)}); it is tried again at the next compaction`);
      }
    }
  } catch (error) {
    warn(`the recordings could not be listed for retention (${errorText(error)}); it is tried again at the next compaction`);
  }
  return removed;
}
