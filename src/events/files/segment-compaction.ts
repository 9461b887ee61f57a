// Compaction of a state directory's segments: the rules are decided from the whole log first
// (compaction-rules.ts), then every sealed segment that a usable snapshot covers completely is
// rewritten without what the rules remove, one at a time, each atomically (a new file renamed
// over the old). The newest segment, the one being appended to, is never touched, so a running
// server and `octant-exec log compact` can share the directory. A crash leaves each segment
// either as it was or as it became, never half of it.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkLines } from '../checked-lines.ts';
import { CompactionPlanner, type CompactionPolicy, type CompactionReport, type CompactionRules } from '../compaction-rules.ts';
import { sourceLines } from '../line-reader.ts';
import type { LogEntry } from '../log-entry.ts';
import { AtomicFile, removeTempFiles } from './atomic-file.ts';
import { takeLock } from './file-lock.ts';
import { COMPACTED_FILE, LOCK_FILE, LOG_DIR, listSegments, type NumberedFile } from './layout.ts';

export interface CompactionCheckpoints {
  /** a segment's new file is half written */
  midway?(): void;
  /** a segment's new file is whole, not yet renamed over the old one */
  beforeRename?(): void;
}

/** lines handled between two turns of the event loop: a server keeps answering while it compacts */
const LINES_PER_TURN = 5_000;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function compactSegments(stateDir: string, entries: () => Iterable<LogEntry>, policy: CompactionPolicy, checkpoints: CompactionCheckpoints = {}): Promise<CompactionReport> {
  if (!existsSync(join(stateDir, LOG_DIR))) return { removed: 0, auditRecords: 0, rewritten: 0 }; // nothing written yet
  const lock = takeLock(join(stateDir, LOG_DIR, LOCK_FILE));
  if ('heldBy' in lock) return { removed: 0, auditRecords: 0, rewritten: 0, busy: `another compaction is running (${lock.heldBy})` };
  try {
    removeTempFiles(join(stateDir, LOG_DIR)); // a compaction killed halfway: nothing refers to them
    const planner = new CompactionPlanner(policy);
    let seen = 0;
    for (const entry of entries()) {
      planner.observe(entry);
      if (++seen % LINES_PER_TURN === 0) await nextTurn();
    }
    const rules = planner.rules();
    const changing: NumberedFile[] = [];
    // a segment that would stay as it is is not written again (compaction runs hourly over the same sealed segments)
    for (const segment of coveredSegments(stateDir, policy.through)) if (await changesAny(segment, rules)) changing.push(segment);
    const report: CompactionReport = { removed: 0, auditRecords: 0, rewritten: 0 };
    if (changing.length === 0) return report; // nothing goes: a start needs no newer snapshot than before
    // From here on a start needs a snapshot at or after `through`: say so before anything goes.
    writeCompactedThrough(stateDir, Math.max(readCompactedThrough(stateDir), policy.through));
    for (const segment of changing) {
      report.removed += await rewrite(segment, rules, checkpoints);
      report.rewritten++;
    }
    report.auditRecords = rules.recordsKept;
    return report;
  } finally {
    lock.release();
  }
}

/** The seq compaction has worked through (0: never); unreadable counts as never, with the caller told. */
export function readCompactedThrough(stateDir: string, warn?: (message: string) => void): number {
  const path = join(stateDir, LOG_DIR, COMPACTED_FILE);
  if (!existsSync(path)) return 0;
  try {
    const through = (JSON.parse(readFileSync(path, 'utf8')) as { through?: unknown }).through;
    if (typeof through === 'number') return through;
  } catch {
    // reported below
  }
  warn?.(`${LOG_DIR}/${COMPACTED_FILE} is damaged: the log is read as if never compacted`);
  return 0;
}

function writeCompactedThrough(stateDir: string, through: number): void {
  const file = new AtomicFile(join(stateDir, LOG_DIR, COMPACTED_FILE));
  file.write(JSON.stringify({ through }) + '\n');
  file.commit();
}

/** Sealed segments (not the newest) whose every entry is at or before `through`. */
function coveredSegments(stateDir: string, through: number): NumberedFile[] {
  const segments = listSegments(stateDir).filter((segment) => segment.name.startsWith(`${LOG_DIR}/`));
  return segments.filter((_, i) => i + 1 < segments.length && segments[i + 1].seq - 1 <= through);
}

/** Whether the rules replace or remove anything in `segment`: read up to the first entry they do. */
async function changesAny(segment: NumberedFile, rules: CompactionRules): Promise<boolean> {
  let count = 0;
  for (const item of checkLines(sourceLines(segment.name, segment.path))) {
    if (item.entry && rules.changes(item.entry)) return true;
    if (++count % LINES_PER_TURN === 0) await nextTurn();
  }
  return false;
}

/** Rewrites one segment by the rules; returns how many entries went. */
async function rewrite(segment: NumberedFile, rules: CompactionRules, checkpoints: CompactionCheckpoints): Promise<number> {
  const file = new AtomicFile(segment.path);
  let removed = 0;
  let pending: string[] = [];
  const flush = () => {
    file.write(pending.join(''));
    pending = [];
  };
  try {
    let count = 0;
    for (const item of checkLines(sourceLines(segment.name, segment.path))) {
      const kept = item.entry && rules.apply(item.entry);
      // damaged lines stay as they are: they are skipped on reading, never thrown away
      if (!item.entry || kept === item.entry) pending.push(item.text + '\n');
      else if (kept) pending.push(JSON.stringify(kept) + '\n');
      else removed++;
      if (++count === 1) {
        flush();
        checkpoints.midway?.();
      }
      if (count % LINES_PER_TURN === 0) {
        flush();
        await nextTurn();
      }
    }
    flush();
  } catch (error) {
    file.abort();
    throw error;
  }
  file.commit(checkpoints.beforeRename);
  return removed;
}
