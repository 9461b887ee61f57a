// The event log in a state directory (layout in files/layout.ts): segments of JSON Lines,
// appended to and rolled by size, read line by line as a stream; snapshots written atomically;
// compaction that rewrites sealed segments. Reading never changes anything, so the `octant-exec
// log` tools can read the directory of a running server. One process writes: the first append
// or snapshot takes log/writer.lock, and a second process is refused. A writer whose lock was
// taken over (it was stopped past the lock's stale time: files/file-lock.ts) writes nothing more.
import { existsSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { checkLines, entryOf, seqOf } from './checked-lines.ts';
import type { CompactionPolicy, CompactionReport } from './compaction-rules.ts';
import { makeFolder, removeTempFiles } from './files/atomic-file.ts';
import { STALE_MS, takeLock, type Lock, type Refusal } from './files/file-lock.ts';
import { LOG_DIR, SNAPSHOT_DIR, WRITER_LOCK, listSegments, listSnapshots, snapshotName, strayFiles } from './files/layout.ts';
import { compactSegments, readCompactedThrough } from './files/segment-compaction.ts';
import { SegmentWriter, moveLegacyLog } from './files/segment-writer.ts';
import { entryDigest, readSnapshotFile, writeSnapshotFile } from './files/snapshot-file.ts';
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
  /**
   * told once, with why, when another process has taken the writer lock over (this one went
   * without refreshing it past its stale time: stopped, paused, blocked): nothing more is written
   * (every write throws), and a server stops
   */
  lockLost?: (why: string) => void;
}

export const DEFAULT_SEGMENT_BYTES = 16 * 1024 * 1024;

/**
 * Where entry `after` is: a read of what follows it starts there, once the line there is found
 * to be that entry still (a compaction may have rewritten the file). The last two entries a read
 * gave (the next page of a reader paging through the log, who read one entry past its page to
 * learn whether there is more), and the last entry of each snapshot.
 */
interface ReadCursor {
  after: number;
  path: string;
  position: LinePosition;
}

/** Another process writes the state directory's log: the sentence names it; `refusal.touchedAt` as takeLock says. */
export class WriterLockHeld extends Error {
  constructor(
    stateDir: string,
    readonly refusal: Refusal,
  ) {
    super(`the event log in ${stateDir} is being written by ${refusal.heldBy} (another octant-exec?): stop that one first, or give this one another --state-dir`);
  }
}

export class FileStore implements EventStore {
  readonly stateDir: string;
  readonly #options: FileStoreOptions;
  #writer: SegmentWriter | undefined;
  #writerLock: Lock | undefined;
  /** who took the writer lock over, once another process has */
  #lostTo: string | undefined;
  /** the last two entries a read gave, the latest last */
  #cursors: ReadCursor[] = [];
  #snapshotEnds = new Map<number, ReadCursor>();
  #strayWarned = false;
  #compactedWarned = false;
  #snapshotLeftoversGone = false;
  #closed = false;

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
      // A replay at start reads the whole log when no snapshot serves (one from 0.1.0): for minutes,
      // maybe, and synchronously, so no timer refreshes the lock meanwhile; this does (cheaply: file-lock.ts).
      this.#keepLockFresh();
      this.#cursors = [...this.#cursors.slice(-1), { after: item.entry.seq, path: join(this.stateDir, item.file), position: { offset: item.start, line: item.line - 1 } }];
      yield item.entry;
    }
  }

  /** Its answer is for writes (#stillWriter), which ask again: a lock unreadable for now (EIO, NFS's ESTALE) fails no read. */
  #keepLockFresh(): void {
    try {
      this.#writerLock?.stillHeld();
    } catch {
      // looked at again at the next write or refresh
    }
  }

  *#lines(after: number): Generator<SourceLine, void, undefined> {
    const segments = listSegments(this.stateDir);
    const cursor = this.#cursors.find((c) => c.after === after) ?? this.#snapshotEnds.get(after);
    const at = cursor ? segments.findIndex((s) => s.path === cursor.path) : -1;
    if (at >= 0) {
      const lines = sourceLines(segments[at].name, segments[at].path, cursor!.position);
      const first = lines.next();
      if (!first.done && seqOf(first.value.text) === after) {
        yield* lines;
        for (const segment of segments.slice(at + 1)) yield* sourceLines(segment.name, segment.path);
        return;
      }
      lines.return(undefined);
    }
    // A segment holds the seqs from its name up to the next segment's: start in the last one that can hold after + 1.
    for (const segment of segments.slice(Math.max(0, segments.findLastIndex((s) => s.seq <= after + 1)))) yield* sourceLines(segment.name, segment.path);
  }

  /**
   * Takes the state directory for this process's writes, or throws one sentence naming the
   * process that has it. The first append or snapshot takes it too; a server takes it before it
   * replays anything, so a second one stops before writing a line.
   */
  lockForWriting(): void {
    if (this.#closed) throw new Error('the event log was closed: nothing more is written to it');
    if (this.#writerLock) return;
    const dir = join(this.stateDir, LOG_DIR);
    makeFolder(dir);
    const lock = takeLock(join(dir, WRITER_LOCK), { shared: true, lost: (heldBy) => this.#lost(heldBy), untouched: (problem) => this.#untouched(problem) });
    if ('heldBy' in lock) throw new WriterLockHeld(this.stateDir, lock);
    try {
      moveLegacyLog(this.stateDir); // before a line is written: a server with two first segments stops here
    } catch (error) {
      lock.release();
      throw error;
    }
    this.#writerLock = lock;
  }

  append(entry: LogEntry): void {
    this.appendAll([entry]);
  }

  /** In one write: all of them or, throwing, none. */
  appendAll(entries: readonly LogEntry[]): void {
    this.lockForWriting();
    this.#stillWriter();
    this.#writer ??= new SegmentWriter(this.stateDir, this.#options.segmentBytes ?? DEFAULT_SEGMENT_BYTES, () => this.#options.checkpoint?.('segment rolled'));
    this.#writer.append(entries);
  }

  putSnapshot(snapshot: Snapshot): void {
    this.lockForWriting();
    this.#stillWriter();
    this.#writer?.sync(); // a snapshot never covers entries that are not on the disk
    const dir = join(this.stateDir, SNAPSHOT_DIR);
    makeFolder(dir);
    if (!this.#snapshotLeftoversGone) {
      removeTempFiles(dir); // half a snapshot from a killed run: only the writer of snapshots (this process) makes them
      this.#snapshotLeftoversGone = true;
    }
    const checkpoint = this.#options.checkpoint;
    const last = this.#writer?.lastEntry();
    writeSnapshotFile(join(dir, snapshotName(snapshot.seq)), snapshot, last && { segment: relative(this.stateDir, last.path), offset: last.offset, line: last.line, digest: entryDigest(last.entry) }, {
      midway: () => checkpoint?.('snapshot half written'),
      beforeRename: () => checkpoint?.('snapshot before rename'),
    });
    // One past the entry this writer is at is another copy's (snapshots/ restored newer than log/):
    // kept, it would count among the newest and push this log's own snapshots out.
    for (const ahead of listSnapshots(this.stateDir).filter((file) => file.seq > snapshot.seq)) {
      rmSync(ahead.path, { force: true });
      this.#options.warn?.(`${ahead.name} removed: it covered entries up to ${ahead.seq}, and this log is at ${snapshot.seq} (a snapshot of another copy of the log)`);
    }
    for (const old of listSnapshots(this.stateDir).slice(SNAPSHOTS_KEPT)) rmSync(old.path, { force: true });
  }

  snapshots(): StoredSnapshot[] {
    return listSnapshots(this.stateDir).map((file) => ({
      name: file.name,
      seq: file.seq,
      load: () => {
        const { snapshot, last } = readSnapshotFile(file.path, file.seq);
        const end = last && { after: snapshot.seq, path: join(this.stateDir, last.segment), position: { offset: last.offset, line: last.line } };
        // Compaction may have removed the last entry of a snapshot it went through; never a later one.
        if (snapshot.seq > this.compactedThrough() && !this.#holds(snapshot.seq, last?.digest, end)) {
          throw new Error(`its last entry (seq ${snapshot.seq}) is not in the log: it is ahead of it, from another copy (was snapshots/ copied after log/?)`);
        }
        if (end) this.#rememberEnd(end);
        return snapshot;
      },
    }));
  }

  /** Keeps where the last few snapshots loaded end (a start reads on from the one it loaded last). */
  #rememberEnd(end: ReadCursor): void {
    this.#snapshotEnds.delete(end.after);
    this.#snapshotEnds.set(end.after, end);
    for (const after of this.#snapshotEnds.keys()) if (this.#snapshotEnds.size > SNAPSHOTS_KEPT) this.#snapshotEnds.delete(after);
  }

  /** Whether entry `seq` is in the log (as `digest` says it was, when known): looked for where `end` says first, else from its segment on. */
  #holds(seq: number, digest: string | undefined, end: ReadCursor | undefined): boolean {
    const isIt = (entry: LogEntry | undefined) => entry?.seq === seq && (digest === undefined || entryDigest(entry) === digest);
    if (end && isIt(entryAt(end))) return true;
    for (const entry of this.read(seq - 1)) return isIt(entry);
    return false;
  }

  compactedThrough(): number {
    // asked again and again (each start check, each compaction): a damaged marker is said once
    return readCompactedThrough(this.stateDir, (message) => {
      if (!this.#compactedWarned) this.#options.warn?.(message);
      this.#compactedWarned = true;
    });
  }

  compact(policy: CompactionPolicy): Promise<CompactionReport> {
    if (this.#writerLock) {
      try {
        this.#stillWriter(); // the log is another server's now: so are its compactions
      } catch (error) {
        return Promise.reject(error);
      }
    }
    const checkpoint = this.#options.checkpoint;
    return compactSegments(this.stateDir, () => this.read(0), policy, {
      midway: () => checkpoint?.('compaction half written'),
      beforeRename: () => checkpoint?.('compaction before rename'),
    });
  }

  /** Closes the log for writing, for good (reading goes on). */
  close(): void {
    this.#writer?.close();
    this.#writer = undefined;
    this.#writerLock?.release();
    this.#writerLock = undefined;
    this.#closed = true;
  }

  /** Before a write: the writer lock must still name this process (looked at on the disk only now and then: file-lock.ts). */
  #stillWriter(): void {
    if (this.#writerLock!.stillHeld()) return;
    throw new Error(`the writer lock of the event log in ${this.stateDir} is not this process's any more (${this.#lostTo ?? 'another process'} has it): nothing more is written here`);
  }

  #lost(heldBy: string): void {
    this.#lostTo = heldBy;
    this.#options.warn?.(`the writer lock of the event log in ${this.stateDir} is not this process's any more (${heldBy} has it): it went without refreshing the lock for over ${STALE_MS / 1000} s (stopped, paused or blocked), and another server took it over as stale; this one writes nothing more to the log`);
    this.#options.lockLost?.(`this server lost the writer lock of its event log to ${heldBy}`);
  }

  #untouched(problem: string): void {
    this.#options.warn?.(`the writer lock of the event log in ${this.stateDir} cannot be touched (${problem}): a server sharing this state directory from another container or host would take it as stale after ${STALE_MS / 1000} s untouched, and this one would then stop writing; the state directory wants a filesystem where a symbolic link's times can be set`);
  }

  #warnStrays(): void {
    if (this.#strayWarned) return;
    this.#strayWarned = true;
    for (const name of strayFiles(this.stateDir)) this.#options.warn?.(`${name} is not part of the event log: left alone and not read`);
  }
}

/** The entry on the line at `cursor`, if that line is one (and the file is still there). */
function entryAt(cursor: ReadCursor): LogEntry | undefined {
  if (!existsSync(cursor.path)) return undefined;
  for (const line of sourceLines('', cursor.path, cursor.position)) return entryOf(line.text);
  return undefined;
}
