// A snapshot on disk: a header line, then the state as JSON on one line. The header says what
// follows and how to tell it is whole: its length in bytes and its SHA-256. A file cut short by
// a crash, or with a flipped byte, is recognised and skipped, never half read.
import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { LogEntry } from '../log-entry.ts';
import type { Snapshot } from '../store.ts';
import { AtomicFile } from './atomic-file.ts';

/** what the first line says a file is */
const MAGIC = 'octant-exec snapshot';
/** pieces the state is written in: a crash test can stop halfway through one */
const PIECE_BYTES = 64 * 1024;

/** Where the snapshot's last entry was written (a start checks it is still there, then reads on). */
export interface LastEntry {
  /** relative to the state directory */
  segment: string;
  offset: number;
  /** lines before `offset` */
  line: number;
  /** entryDigest of the entry: tells it from another entry with its seq (a log restored from an older copy, then written on); absent in the first snapshots of this format */
  digest?: string;
}

/** The SHA-256 of an entry's line as the writer writes it. */
export function entryDigest(entry: LogEntry): string {
  return sha256(Buffer.from(JSON.stringify(entry) + '\n'));
}

interface Header {
  file: typeof MAGIC;
  seq: number;
  format: number;
  time: number;
  bytes: number;
  sha256: string;
  last?: LastEntry;
}

/** Writes `snapshot` to `path` whole or not at all; `midway` runs with half of it written. */
export function writeSnapshotFile(path: string, snapshot: Snapshot, last: LastEntry | undefined, checkpoints: { midway?: () => void; beforeRename?: () => void } = {}): void {
  const body = Buffer.from(JSON.stringify(snapshot.state) + '\n');
  const header: Header = { file: MAGIC, seq: snapshot.seq, format: snapshot.format, time: snapshot.time, bytes: body.length, sha256: sha256(body), ...(last ? { last } : {}) };
  const file = new AtomicFile(path);
  file.write(JSON.stringify(header) + '\n');
  const pieces = Math.max(1, Math.ceil(body.length / PIECE_BYTES));
  for (let i = 0; i < pieces; i++) {
    if (i === Math.floor(pieces / 2)) checkpoints.midway?.();
    file.write(body.subarray(i * PIECE_BYTES, (i + 1) * PIECE_BYTES));
  }
  file.commit(checkpoints.beforeRename);
}

/** Reads and checks a snapshot file; throws an Error saying what is wrong with it. */
export function readSnapshotFile(path: string, expectedSeq: number): { snapshot: Snapshot; last?: LastEntry } {
  const bytes = readFileSync(path);
  const newline = bytes.indexOf(10);
  if (newline < 0) throw new Error('truncated: no header line');
  let header: Header;
  try {
    header = JSON.parse(bytes.subarray(0, newline).toString('utf8'));
  } catch {
    throw new Error('damaged: the header is not JSON');
  }
  if (header?.file !== MAGIC || typeof header.bytes !== 'number' || typeof header.format !== 'number') throw new Error('not an octant-exec snapshot');
  if (header.seq !== expectedSeq) throw new Error(`its header says seq ${header.seq}, its name ${expectedSeq}`);
  const body = bytes.subarray(newline + 1);
  if (body.length < header.bytes) throw new Error(`truncated: ${body.length} of ${header.bytes} bytes`);
  const extra = body.length - header.bytes;
  if (extra > 0) throw new Error(`damaged: ${extra} byte${extra === 1 ? '' : 's'} more than its header says`);
  if (sha256(body) !== header.sha256) throw new Error('damaged: its checksum does not match');
  const snapshot = { seq: header.seq, format: header.format, time: header.time, state: JSON.parse(body.toString('utf8')) };
  return { snapshot, ...(header.last ? { last: header.last } : {}) };
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
