// Reading a recording back from where it is kept (a file, or the database's rows), which may have been damaged since (a torn write in a
// crash, a truncated copy, a flipped byte): it is checked line by line as it streams, and what can
// be read is given, with a sentence saying where it stops; a file with no readable header is an
// error. Nothing holds the whole file: a first pass checks it (piece by piece, the event loop free
// between pieces), a second streams the good part (or the stored .gz, when whole) to the reader.
// A file is opened (rows: a snapshot taken) before it is checked, so a compression or retention meanwhile does not change what is read.
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

export interface ReadCast {
  /** decompressed bytes of the readable lines, header first, each ending in a newline */
  bytes: number;
  /** the file is compressed and whole: it can be sent as it is stored, gzip-encoded */
  gzipped: boolean;
  /** what is wrong with it, when something is: the readable lines stop before */
  damage?: string;
  /** the readable lines (read again from the open file) */
  text(): Readable;
  /** the file as stored, with its size */
  stored(): { stream: Readable; size: Promise<number> };
  close(): Promise<void>;
}

export class CastDamaged extends Error {}

/** a longer line is damage (the writer's lines are one output chunk each): a line is held whole while it is checked */
export const MAX_LINE_BYTES = 8 * 1024 * 1024;

/** A stored recording read twice: once to check it, once to send it (the same bytes both times). */
export interface CastSource {
  /** stored compressed (gzip) */
  gz: boolean;
  /** the stored bytes, from the start, as a new stream */
  stream(): Readable;
  /** how many bytes are stored */
  size(): Promise<number>;
  close(): Promise<void>;
}

/**
 * Opens and checks a recording (`.cast.gz`, or a `.cast` a crash left uncompressed). `maxBytes`:
 * more than this decompressed is not read (a file grown on the disk, or a gzip bomb put in its
 * place). The caller closes it.
 */
export async function readCast(path: string, maxBytes: number): Promise<ReadCast> {
  // two handles on the same file: the check's stream closes its own, the reply reads the other
  const checked = await open(path, 'r');
  const sent = await open(path, 'r').catch(async (error) => {
    await checked.close();
    throw error;
  });
  const source: CastSource = { gz: path.endsWith('.gz'), stream: () => sent.createReadStream(), size: () => sent.stat().then((s) => s.size), close: () => sent.close() };
  return checkCast(checked.createReadStream(), source, maxBytes).finally(() => checked.close());
}

/** Checks `first` (a stream of the stored bytes) and gives the good part of `source`'s; closes `source` when it throws. */
export async function checkCast(first: Readable, source: CastSource, maxBytes: number): Promise<ReadCast> {
  const { gz } = source;
  const decoded = (raw: Readable) => (gz ? raw.pipe(createGunzip()) : raw);
  try {
    const { bytes, damage } = await check(decoded(first), maxBytes, gz);
    return {
      bytes,
      gzipped: gz && !damage,
      ...(damage ? { damage } : {}),
      text: () => firstBytes(decoded(source.stream()), bytes),
      stored: () => ({ stream: source.stream(), size: source.size() }),
      close: () => source.close(),
    };
  } catch (error) {
    await source.close();
    throw error;
  }
}

/** Checks the lines as they come; resolves with the bytes of the whole good ones, and what stopped it. */
async function check(source: Readable, maxBytes: number, gz: boolean): Promise<{ bytes: number; damage?: string }> {
  let good = 0; // bytes of good lines
  let line = 1;
  let pending: Buffer[] = []; // the line being read
  let pendingBytes = 0;
  let total = 0;
  let damage: string | undefined;
  const HEADER_DAMAGE = 'its first line is not an asciicast v2 header';
  const lineDone = (bytes: Buffer): boolean => {
    if (bytes.length > MAX_LINE_BYTES) {
      damage = `line ${line} is longer than ${MAX_LINE_BYTES} bytes`;
      return false;
    }
    const text = bytes.toString('utf8');
    if (line === 1 ? badHeader(text) : !isEvent(text)) {
      damage = line === 1 ? HEADER_DAMAGE : `line ${line} is not an asciicast event`;
      return false;
    }
    good += bytes.length + 1;
    line++;
    return true;
  };
  try {
    reading: for await (const chunk of source as AsyncIterable<Buffer>) {
      const room = maxBytes - total;
      const piece = chunk.length > room ? chunk.subarray(0, room) : chunk;
      total += piece.length;
      let from = 0;
      for (let nl = piece.indexOf(10); nl !== -1; nl = piece.indexOf(10, from)) {
        const whole = pending.length ? Buffer.concat([...pending, piece.subarray(from, nl)]) : piece.subarray(from, nl);
        pending = [];
        pendingBytes = 0;
        from = nl + 1;
        if (!lineDone(whole)) break reading;
      }
      if (from < piece.length) {
        pending.push(piece.subarray(from));
        pendingBytes += piece.length - from;
        if (pendingBytes > MAX_LINE_BYTES) {
          damage = `line ${line} is longer than ${MAX_LINE_BYTES} bytes`;
          break;
        }
      }
      if (piece !== chunk) {
        damage = `it is larger than ${maxBytes} bytes${gz ? ' decompressed' : ''}`;
        break;
      }
    }
  } catch {
    damage ??= 'its compressed data is damaged';
  } finally {
    source.destroy();
  }
  if (!damage && pendingBytes > 0) damage = `its last line (${line}) is cut off`;
  if (good === 0) throw new CastDamaged(`The recording ${damage && damage !== HEADER_DAMAGE ? `cannot be read: ${damage}` : `is damaged: ${HEADER_DAMAGE}`}.`);
  return { bytes: good, ...(damage ? { damage } : {}) };
}

/** The first `count` bytes of `source`, as a stream (leaving the loop closes the source). */
function firstBytes(source: Readable, count: number): Readable {
  return Readable.from(
    (async function* () {
      let left = count;
      for await (const chunk of source as AsyncIterable<Buffer>) {
        const piece = chunk.length > left ? chunk.subarray(0, left) : chunk;
        left -= piece.length;
        yield piece;
        if (left <= 0) return;
      }
    })(),
    { objectMode: false },
  );
}

function badHeader(line: string): boolean {
  try {
    const header = JSON.parse(line);
    return !(header && header.version === 2 && Number.isInteger(header.width) && Number.isInteger(header.height));
  } catch {
    return true;
  }
}

function isEvent(line: string): boolean {
  try {
    const event = JSON.parse(line);
    return Array.isArray(event) && event.length === 3 && typeof event[0] === 'number' && event[0] >= 0 && ['o', 'i', 'r', 'm'].includes(event[1]) && typeof event[2] === 'string';
  } catch {
    return false;
  }
}
