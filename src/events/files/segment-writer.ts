// The write side of the log: appends each entry as one line to the newest segment, and starts a
// new segment once this one is full. A crash can tear the last line; opening makes sure the
// next entry starts on a fresh line, so a torn tail never glues itself onto a good entry. A
// write that fails (a full disk) is cut back off, so the segment never keeps half a line, nor
// part of the entries written together.
import { Buffer } from 'node:buffer';
import { closeSync, fstatSync, fsyncSync, ftruncateSync, linkSync, openSync, readSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { LogEntry } from '../log-entry.ts';
import { makeFolder, syncFolder, writeFully } from './atomic-file.ts';
import { LEGACY_LOG, LOG_DIR, listSegments, segmentName } from './layout.ts';

export class SegmentWriter {
  readonly #stateDir: string;
  readonly #segmentBytes: number;
  /** runs with the new segment made and nothing in it yet (tests crash there) */
  readonly #rolled: () => void;
  #fd: number | undefined;
  #path = '';
  #size = 0;
  #lines = 0;
  /** where the last line appended to this segment starts, if any, and its entry */
  #lastLine: { offset: number; line: number; entry: LogEntry } | undefined;

  constructor(stateDir: string, segmentBytes: number, rolled: () => void) {
    this.#stateDir = stateDir;
    this.#segmentBytes = segmentBytes;
    this.#rolled = rolled;
  }

  /**
   * Appends `entries` (one step of the actors: an input and the facts it caused) in one write: on
   * a failure (a full disk) the segment is cut back to where it was, so none of them stays, not
   * even the lines that did fit. They go in one segment, never split by a roll: in the one their
   * first line fits in (as a single entry's line would), which the rest may take past its size.
   */
  append(entries: readonly LogEntry[]): void {
    if (entries.length === 0) return;
    const lines = entries.map((entry) => Buffer.from(JSON.stringify(entry) + '\n'));
    const bytes = Buffer.concat(lines);
    if (this.#fd === undefined) this.#openNewest(entries[0].seq);
    else if (this.#size > 0 && this.#size + lines[0].length > this.#segmentBytes) this.#roll(entries[0].seq);
    try {
      writeFully(this.#fd!, bytes);
    } catch (error) {
      ftruncateSync(this.#fd!, this.#size);
      throw error;
    }
    this.#lastLine = { offset: this.#size + bytes.length - lines.at(-1)!.length, line: this.#lines + lines.length - 1, entry: entries.at(-1)! };
    this.#size += bytes.length;
    this.#lines += lines.length;
  }

  /**
   * Where the last entry appended is: a snapshot of it keeps this, so a start finds the entries
   * after it without reading the segment from its start. `line`: lines before it.
   */
  lastEntry(): { path: string; offset: number; line: number; entry: LogEntry } | undefined {
    return this.#lastLine && { path: this.#path, ...this.#lastLine };
  }

  /** Flushes what was appended to the disk (before a snapshot that covers it is written). */
  sync(): void {
    if (this.#fd !== undefined) fsyncSync(this.#fd);
  }

  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }

  #openNewest(seq: number): void {
    const dir = join(this.#stateDir, LOG_DIR);
    makeFolder(dir);
    const newest = listSegments(this.#stateDir).at(-1);
    this.#open(newest?.path ?? join(dir, segmentName(seq)));
    if (!newest) syncFolder(dir); // the first segment: its name survives a power cut, as a rolled one's does
    if (this.#size > 0 && !endsWithNewline(this.#fd!, this.#size)) {
      try {
        this.#size += writeFully(this.#fd!, '\n');
      } catch (error) {
        this.close(); // a full disk: the next append opens again and puts the torn tail on its own line first
        throw error;
      }
      this.#lines++;
    }
  }

  #roll(seq: number): void {
    fsyncSync(this.#fd!);
    this.close();
    this.#open(join(this.#stateDir, LOG_DIR, segmentName(seq)));
    syncFolder(join(this.#stateDir, LOG_DIR));
    this.#rolled();
  }

  #open(path: string): void {
    this.#fd = openSync(path, 'a+', 0o600);
    this.#path = path;
    this.#lastLine = undefined;
    this.#size = fstatSync(this.#fd).size;
    this.#lines = countLines(this.#fd, this.#size);
  }
}

/** Lines in the first `size` bytes of a file (a last line without '\n' counts): line numbers for warnings. */
function countLines(fd: number, size: number): number {
  const chunk = Buffer.allocUnsafe(1 << 20);
  let lines = 0;
  for (let position = 0; position < size; ) {
    const read = readSync(fd, chunk, 0, Math.min(chunk.length, size - position), position);
    for (let at = chunk.indexOf(10, 0); at >= 0 && at < read; at = chunk.indexOf(10, at + 1)) lines++;
    position += read;
  }
  return size > 0 && !endsWithNewline(fd, size) ? lines + 1 : lines;
}

/**
 * A 0.1.0 state directory has the whole log in events.jsonl, which 0.1.0 started at seq 1: it
 * becomes the first segment as it is (a new name for the same file: nothing copied, nothing
 * lost). A link, not a rename, so that a first segment already there is never replaced: then
 * events.jsonl was copied back, or 0.1.0 ran again, after the upgrade, and a person must choose.
 */
export function moveLegacyLog(stateDir: string): void {
  const legacy = join(stateDir, LEGACY_LOG);
  const first = join(stateDir, LOG_DIR, segmentName(1));
  try {
    linkSync(legacy, first);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return; // no 0.1.0 log
    if (code !== 'EEXIST') throw error;
    // The same file is a move a crash cut short (finished below); another file is not ours to choose.
    if (!sameFile(legacy, first)) {
      throw new Error(`${legacy} (a log of octant-exec 0.1.0) and ${first} are both there, and neither may replace the other: move the one you do not want out of the state directory, then start again`);
    }
  }
  unlinkSync(legacy);
  syncFolder(stateDir);
  syncFolder(join(stateDir, LOG_DIR));
}

function endsWithNewline(fd: number, size: number): boolean {
  const last = new Uint8Array(1);
  readSync(fd, last, 0, 1, size - 1);
  return last[0] === 0x0a;
}

function sameFile(a: string, b: string): boolean {
  const [x, y] = [statSync(a), statSync(b)];
  return x.dev === y.dev && x.ino === y.ino;
}
