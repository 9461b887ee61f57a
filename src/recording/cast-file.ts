// Reading a recording back from the disk, which may have been damaged since (a torn write in a
// crash, a truncated copy, a flipped byte): it is checked line by line, and what can be read is
// given, with a sentence saying where it stops; a file with no readable header is an error.
import { readFile } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';

export interface ReadCast {
  /** the readable lines, header first, each ending in a newline */
  text: string;
  /** the file as stored, when it is compressed and whole (it can be sent as it is, gzip-encoded) */
  gzipped?: Uint8Array;
  /** what is wrong with it, when something is: the text stops before */
  damage?: string;
}

export class CastDamaged extends Error {}

/**
 * Reads a recording (`.cast.gz`, or a `.cast` a crash left uncompressed). `maxBytes`: more than
 * this decompressed is not read (a file grown on the disk, or a gzip bomb put in its place).
 */
export async function readCast(path: string, maxBytes: number): Promise<ReadCast> {
  const stored = await readFile(path);
  let bytes: Buffer = stored;
  let damage: string | undefined;
  if (path.endsWith('.gz')) ({ bytes, damage } = await gunzipUpTo(stored, maxBytes));
  else if (bytes.length > maxBytes) {
    bytes = bytes.subarray(0, maxBytes);
    damage = `it is larger than ${maxBytes} bytes`;
  }
  const text = bytes.toString('utf8');
  const lines = text.split('\n');
  if (badHeader(lines[0])) throw new CastDamaged(`The recording ${damage ? `cannot be read: ${damage}` : 'is damaged: its first line is not an asciicast v2 header'}.`);
  let good = 1;
  // the last piece is what follows the last newline: empty in a whole file
  for (; good < lines.length - 1; good++) {
    if (!isEvent(lines[good])) {
      damage ??= `line ${good + 1} is not an asciicast event`;
      break;
    }
  }
  if (!damage && lines.at(-1) !== '') damage = `its last line (${lines.length}) is cut off`;
  const readable = lines.slice(0, good).join('\n') + '\n';
  return { text: readable, ...(damage ? { damage } : path.endsWith('.gz') ? { gzipped: stored } : {}) };
}

/** Decompresses at most `maxBytes`; what comes before damage is kept (a stream gives each piece as it is decompressed). */
function gunzipUpTo(stored: Buffer, maxBytes: number): Promise<{ bytes: Buffer; damage?: string }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const gunzip = createGunzip();
    const finish = (damage?: string) => {
      if (done) return;
      done = true;
      gunzip.destroy();
      resolve({ bytes: Buffer.concat(chunks).subarray(0, maxBytes), ...(damage ? { damage } : {}) });
    };
    gunzip.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size > maxBytes) finish(`it is larger than ${maxBytes} bytes decompressed`);
    });
    gunzip.on('error', () => finish('its compressed data is damaged'));
    gunzip.on('end', () => finish());
    gunzip.end(stored);
  });
}

function badHeader(line: string | undefined): boolean {
  try {
    const header = JSON.parse(line ?? '');
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
