// Where the event log lives in a state directory:
//   events.jsonl                      the whole log as 0.1.0 wrote it (moved into log/ by the first start of a later version)
//   log/events-000000000001.jsonl     segments, named by the first seq they were started with
//   log/compacted.json                {"through": N}: compaction removed entries up to N; a start needs a snapshot at or after N
//   log/compact.lock                  held (with the holder's pid) while a compaction runs
//   log/writer.lock                   held by the process that appends and snapshots (the server)
//   snapshots/snapshot-000000004711.json
// and *.tmp files while something is being written.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { TEMP_SUFFIX } from './atomic-file.ts';

export const LEGACY_LOG = 'events.jsonl';
export const LOG_DIR = 'log';
export const SNAPSHOT_DIR = 'snapshots';
export const COMPACTED_FILE = 'compacted.json';
export const LOCK_FILE = 'compact.lock';
export const WRITER_LOCK = 'writer.lock';

const SEGMENT = /^events-(\d{12})\.jsonl$/;
const SNAPSHOT = /^snapshot-(\d{12})\.json$/;
const pad = (seq: number) => String(seq).padStart(12, '0');

export const segmentName = (firstSeq: number) => `events-${pad(firstSeq)}.jsonl`;
export const snapshotName = (seq: number) => `snapshot-${pad(seq)}.json`;

export interface NumberedFile {
  /** as warnings show it: relative to the state directory */
  name: string;
  path: string;
  /** a segment's first seq when it was started (compaction may have removed that entry); a snapshot's seq */
  seq: number;
}

/** The segments in order: a 0.1.0 log first, when there still is one. */
export function listSegments(stateDir: string): NumberedFile[] {
  const legacy = join(stateDir, LEGACY_LOG);
  const segments = numbered(stateDir, LOG_DIR, SEGMENT);
  return existsSync(legacy) ? [{ name: LEGACY_LOG, path: legacy, seq: 1 }, ...segments] : segments;
}

/** The snapshots, newest first. */
export function listSnapshots(stateDir: string): NumberedFile[] {
  return numbered(stateDir, SNAPSHOT_DIR, SNAPSHOT).reverse();
}

/** Files in log/ and snapshots/ that are none of the above: they are left alone, and named in a warning. */
export function strayFiles(stateDir: string): string[] {
  const known = { [LOG_DIR]: [SEGMENT, /^compacted\.json$/, /^(compact|writer)\.lock(\.takeover)?$/], [SNAPSHOT_DIR]: [SNAPSHOT] };
  return Object.entries(known).flatMap(([dir, patterns]) =>
    names(join(stateDir, dir))
      .filter((name) => !name.endsWith(TEMP_SUFFIX) && !patterns.some((pattern) => pattern.test(name)))
      .map((name) => `${dir}/${name}`),
  );
}

function numbered(stateDir: string, dir: string, pattern: RegExp): NumberedFile[] {
  return names(join(stateDir, dir))
    .flatMap((name) => {
      const match = pattern.exec(name);
      return match ? [{ name: `${dir}/${name}`, path: join(stateDir, dir, name), seq: Number(match[1]) }] : [];
    })
    .sort((a, b) => a.seq - b.seq);
}

function names(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
