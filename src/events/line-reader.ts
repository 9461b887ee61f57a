// The lines of a file, read a chunk at a time: memory stays flat however large the file (a log
// of 7 million entries is over 500 MB, more than one JavaScript string may hold). Synchronous,
// so a start can replay before it serves anything, and a reader of a file another process is
// appending to simply stops at what is there.
import { Buffer } from 'node:buffer';
import { closeSync, openSync, readSync } from 'node:fs';

export interface FileLine {
  text: string;
  /** 1-based line number in the file */
  line: number;
  /** byte offset where this line starts */
  start: number;
}

/** A line and the file it is in, as warnings name it. */
export interface SourceLine extends FileLine {
  file: string;
}

/** A place to start reading at: the start of a line. */
export interface LinePosition {
  offset: number;
  /** lines before `offset` */
  line: number;
}

const CHUNK_BYTES = 1 << 20;

/** Every line of `path` from `from`, in order. */
export function* readLines(path: string, from: LinePosition = { offset: 0, line: 0 }, chunkBytes = CHUNK_BYTES): Generator<FileLine, void, undefined> {
  const fd = openSync(path, 'r');
  try {
    const chunk = Buffer.allocUnsafe(chunkBytes);
    let carried: Buffer[] = []; // the start of a line that runs past the chunk
    let position = from.offset;
    let lineStart = from.offset;
    let line = from.line;
    for (;;) {
      const read = readSync(fd, chunk, 0, chunkBytes, position);
      if (read === 0) break;
      position += read;
      let start = 0;
      for (let newline = chunk.indexOf(10, start); newline >= 0 && newline < read; newline = chunk.indexOf(10, start)) {
        const bytes = carried.length ? Buffer.concat([...carried, chunk.subarray(start, newline)]) : chunk.subarray(start, newline);
        carried = [];
        const begins = lineStart;
        lineStart += bytes.length + 1;
        yield { text: bytes.toString('utf8'), line: ++line, start: begins };
        start = newline + 1;
      }
      if (start < read) carried.push(Buffer.from(chunk.subarray(start, read)));
    }
    if (carried.length) {
      const bytes = Buffer.concat(carried);
      yield { text: bytes.toString('utf8'), line: ++line, start: lineStart };
    }
  } finally {
    closeSync(fd);
  }
}

/** The lines of a log file, each labelled with the file's name. */
export function* sourceLines(name: string, path: string, from?: LinePosition): Generator<SourceLine, void, undefined> {
  for (const line of readLines(path, from)) yield { ...line, file: name };
}
