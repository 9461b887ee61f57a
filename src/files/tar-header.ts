// One 512-byte tar header block: parse (checksum, octal and base-256 numbers, ustar prefix) and
// encode (GNU format: what GNU tar, busybox tar and Go's archive/tar — kubectl cp — all read).
// Everything parsed comes from a container or a client, so every field is checked, never trusted.
import { TarError } from './tar-error.ts';

export const BLOCK = 512;
/** GNU tar's magic+version ("ustar  \0"): it allows the 'L'/'K' long-name entries the writer uses */
const GNU_MAGIC = 'ustar  \0';
const USTAR_MAGIC = 'ustar\u000000';
/** the largest size an 11-digit octal field holds; bigger is written in base-256 */
const MAX_OCTAL_SIZE = 0o77777777777;

export type EntryType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'device' | 'fifo' | 'longName' | 'longLink' | 'pax' | 'paxGlobal' | 'other';

export interface RawHeader {
  name: NameText;
  mode: number;
  size: number;
  mtime: number;
  typeflag: string;
  type: EntryType;
  linkname: NameText;
}

/** A name's bytes as text; `utf8` false when they are not UTF-8, and `text` then only shows them. */
export interface NameText {
  text: string;
  utf8: boolean;
}

const typeByFlag: Record<string, EntryType> = {
  '0': 'file', '\0': 'file', '7': 'file',
  '1': 'hardlink', '2': 'symlink', '3': 'device', '4': 'device', '5': 'directory', '6': 'fifo',
  L: 'longName', K: 'longLink', x: 'pax', g: 'paxGlobal',
};

export const isZeroBlock = (block: Uint8Array): boolean => block.every((byte) => byte === 0);

/** Parses a header block; throws TarError for a bad checksum or a number field that is not one. */
export function parseHeader(block: Uint8Array): RawHeader {
  const stored = readNumber(block, 148, 8, 'checksum');
  if (stored !== checksum(block)) throw new TarError('a tar header has a wrong checksum (the stream is damaged or is not a tar)');
  const magic = latin1(block.subarray(257, 265));
  let name = field(block, 0, 100);
  // Only POSIX ustar has a prefix field; in GNU headers those bytes are other data.
  if (magic === USTAR_MAGIC) {
    const prefix = field(block, 345, 155);
    if (prefix.length) name = Buffer.concat([prefix, Buffer.from('/'), name]);
  }
  const typeflag = String.fromCharCode(block[156]);
  return {
    name: nameText(name),
    mode: readNumber(block, 100, 8, 'mode'),
    size: readNumber(block, 124, 12, 'size'),
    // A file dated before 1970 has a negative mtime (GNU tar writes it in base-256); the epoch
    // stands in for it, as the writer writes no time before it: the file matters, not its date.
    mtime: Math.max(0, readNumber(block, 136, 12, 'mtime', true)),
    typeflag,
    type: typeByFlag[typeflag] ?? 'other',
    linkname: nameText(field(block, 157, 100)),
  };
}

/** The unsigned sum of the header with the checksum field as spaces. */
function checksum(block: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i];
  return sum;
}

/** A text field's bytes, up to its first NUL. */
function field(block: Uint8Array, offset: number, length: number): Uint8Array {
  const bytes = block.subarray(offset, offset + length);
  const nul = bytes.indexOf(0);
  return nul === -1 ? bytes : bytes.subarray(0, nul);
}

const latin1 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');

// ignoreBOM: a name may start with U+FEFF, which is part of it
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * A name's bytes as text. Bytes that are not UTF-8 (a Latin-1 "caf\xe9") are flagged, not
 * decoded loosely: U+FFFD for each bad byte would make "caf\xe9" and "caf\xe8" one name, the
 * second written over the first.
 */
export function nameText(bytes: Uint8Array): NameText {
  try {
    return { text: strictUtf8.decode(bytes), utf8: true };
  } catch {
    return { text: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8'), utf8: false };
  }
}

/**
 * An octal field (spaces and NULs around it allowed) or a base-256 one (GNU: the first bit set,
 * then a two's complement number, so 0xff leading bytes are a negative one). A negative number is
 * refused unless `negative` allows it.
 */
function readNumber(block: Uint8Array, offset: number, length: number, name: string, negative = false): number {
  if (block[offset] & 0x80) {
    // a negative number's bytes inverted are its magnitude less one (-x - 1 === ~x)
    const invert = block[offset] & 0x40 ? 0xff : 0;
    if (invert && !negative) throw new TarError(`a tar header's ${name} is negative`);
    let value = (block[offset] ^ invert) & 0x3f;
    for (let i = offset + 1; i < offset + length; i++) value = value * 256 + (block[i] ^ invert);
    if (!Number.isSafeInteger(value)) throw new TarError(`a tar header's ${name} is too large`);
    return invert ? -value - 1 : value;
  }
  const digits = latin1(block.subarray(offset, offset + length)).replace(/^[ \0]+|[ \0]+$/g, '');
  if (digits === '') return 0;
  if (!/^[0-7]+$/.test(digits)) throw new TarError(`a tar header's ${name} is not an octal number`);
  return parseInt(digits, 8);
}

export interface HeaderFields {
  name: string;
  type: 'file' | 'directory' | 'symlink' | 'longName' | 'longLink';
  mode: number;
  size: number;
  mtime: number;
  linkname?: string;
}

const flagByType = { file: '0', directory: '5', symlink: '2', longName: 'L', longLink: 'K' } as const;

/** Encodes a GNU header; `name` and `linkname` must fit in 100 bytes (longer ones go in 'L'/'K' entries first). */
export function encodeHeader(fields: HeaderFields): Uint8Array {
  const block = Buffer.alloc(BLOCK);
  block.write(fields.name, 0, 100, 'utf8');
  writeOctal(block, 100, 8, fields.mode & 0o7777);
  writeOctal(block, 108, 8, 0); // uid: the receiving tar decides the owner
  writeOctal(block, 116, 8, 0); // gid
  if (fields.size > MAX_OCTAL_SIZE) writeBase256(block, 124, 12, fields.size);
  else writeOctal(block, 124, 12, fields.size);
  writeOctal(block, 136, 12, Math.max(0, Math.floor(fields.mtime)));
  block.write(flagByType[fields.type], 156, 1, 'latin1');
  if (fields.linkname) block.write(fields.linkname, 157, 100, 'utf8');
  block.write(GNU_MAGIC, 257, 8, 'latin1');
  const sum = checksum(block);
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'latin1');
  return block;
}

function writeOctal(block: Buffer, offset: number, length: number, value: number): void {
  block.write(`${value.toString(8).padStart(length - 1, '0')}\0`, offset, length, 'latin1');
}

function writeBase256(block: Buffer, offset: number, length: number, value: number): void {
  for (let i = offset + length - 1; i > offset; i--) {
    block[i] = value % 256;
    value = Math.floor(value / 256);
  }
  block[offset] = 0x80;
}

/** Bytes of padding after `size` bytes of data, to the next block. */
export const padding = (size: number): number => (BLOCK - (size % BLOCK)) % BLOCK;
