// The event log in a state directory (layout in files/layout.ts): segments of JSON Lines,
// appended to and rolled by size, read line by line as a stream; snapshots written atomically;
// compaction that rewrites sealed segments. Reading never changes anything, so the `octant-exec
// log` tools can read the directory of a running server.
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { checkLines } from './checked-lines.ts';
import type { CompactionPolicy, CompactionReport } from './compaction-rules.ts';
import { TEMP_SUFFIX } from './files/atomic-file.ts';
import { SNAPSHOT_DIR, listSegments, listSnapshots, snapshotName, strayFiles } from './files/layout.ts';
import { compactSegments, readCompactedThrough } from './files/segment-compaction.ts';
import { SegmentWriter } from './files/segment-writer.ts';
import { readSnapshotFile, writeSnapshotFile } from './files/snapshot-file.ts';
import { sourceLines, type LinePosition, type SourceLine } from './line-reader.ts';
import type { LogDamage, LogEntry } from './log-entry.ts';
import { SNAPSHOTS_KEPT, type EventStore, type Snapshot, type StoredSnapshot } from './store.ts';

/** The moments a crash would hurt most: tests kill the process at each and start again. */
export type CrashPoint = 'snapshot half written' | 'snapshot before rename' | 'segment rolled' | 'compaction half written' | 'compaction before rename';

export interface FileStoreOptions {
  /** a segment is rolled once it would pass this size (default 16 MiB) */
  segmentBytes?: number;
  /** stray files, an unreadable compaction marker */
  warn?: (message: string) => void;
  checkpoint?: (point: CrashPoint) => void;
}

export const DEFAULT_SEGMENT_BYTES = 16 * 1024 * 1024;

/** Where the last read stopped: the next page of a reader that pages through the log starts there. */
interface ReadCursor {
  after: number;
  path: string;
  inode: number;
  position: LinePosition;
}

export class FileStore implements EventStore {
  readonly stateDir: string;
  readonly #options: FileStoreOptions;
  #writer: SegmentWriter | undefined;
  #cursor: ReadCursor | undefined;
  #strayWarned = false;
  #snapshotLeftoversGone = false;

  constructor(stateDir: string, options: FileStoreOptions = {}) {
    this.stateDir = stateDir;
    this.#options = options;
  }

  *read(after = 0, onDamage: (damage: LogDamage) => void = () => {}): Iterable<LogEntry> {
    this.#warnStrays();
    for (const item of checkLines(this.#lines(after), after)) {
      if (item.entry === undefined) {
        onDamage({ file: item.file, line: item.line, problem: item.problem });
        continue;
      }
      const path = join(this.stateDir, item.file);
      if (this.#cursor?.path !== path) this.#cursor = { after: 0, path, inode: inodeOf(path), position: { offset: 0, line: 0 } };
      Object.assign(this.#cursor, { after: item.entry.seq, position: { offset: item.end, line: item.line } });
      yield item.entry;
    }
  }

  *#lines(after: number): Generator<SourceLine, void, undefined> {
    const segments = listSegments(this.stateDir);
    const cursor = this.#cursor;
    const resumeAt = cursor && cursor.after === after ? segments.findIndex((s) => s.path === cursor.path && inodeOf(s.path) === cursor.inode) : -1;
    // A segment holds the seqs from its name up to the next segment's: start in the last one that can hold after + 1.
    const start = resumeAt >= 0 ? resumeAt : Math.max(0, segments.findLastIndex((s) => s.seq <= after + 1));
    for (let i = start; i < segments.length; i++) yield* sourceLines(segments[i].name, segments[i].path, i === resumeAt ? cursor!.position : undefined);
  }

  append(entry: LogEntry): void {
    this.#writer ??= new SegmentWriter(this.stateDir, this.#options.segmentBytes ?? DEFAULT_SEGMENT_BYTES, () => this.#options.checkpoint?.('segment rolled'));
    this.#writer.append(entry);
  }

  putSnapshot(snapshot: Snapshot): void {
    this.#writer?.sync(); // a snapshot never covers entries that are not on the disk
    const dir = join(this.stateDir, SNAPSHOT_DIR);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (!this.#snapshotLeftoversGone) {
      // half a snapshot from a killed run: only the writer of snapshots (this process) makes them
      for (const name of readdirSync(dir)) if (name.endsWith(TEMP_SUFFIX)) rmSync(join(dir, name), { force: true });
      this.#snapshotLeftoversGone = true;
    }
    const checkpoint = this.#options.checkpoint;
    writeSnapshotFile(join(dir, snapshotName(snapshot.seq)), snapshot, {
      midway: () => checkpoint?.('snapshot half written'),
      beforeRename: () => checkpoint?.('snapshot before rename'),
    });
    for (const old of listSnapshots(this.stateDir).slice(SNAPSHOTS_KEPT)) rmSync(old.path, { force: true });
  }

  snapshots(): StoredSnapshot[] {
    return listSnapshots(this.stateDir).map((file) => ({ name: file.name, seq: file.seq, load: () => readSnapshotFile(file.path, file.seq) }));
  }

  compactedThrough(): number {
    return readCompactedThrough(this.stateDir, this.#options.warn);
  }

  compact(policy: CompactionPolicy): Promise<CompactionReport> {
    const checkpoint = this.#options.checkpoint;
    return compactSegments(this.stateDir, () => this.read(0), policy, {
      midway: () => checkpoint?.('compaction half written'),
      beforeRename: () => checkpoint?.('compaction before rename'),
    });
  }

  close(): void {
    this.#writer?.close();
    this.#writer = undefined;
  }

  #warnStrays(): void {
    if (this.#strayWarned) return;
    this.#strayWarned = true;
    for (const name of strayFiles(this.stateDir)) this.#options.warn?.(`${name} is not part of the event log: left alone and not read`);
  }
}

function inodeOf(path: string): number {
  return statSync(path).ino;
}
