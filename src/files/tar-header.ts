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
  name: string;
  mode: number;
  size: number;
  mtime: number;
  typeflag: string;
  type: EntryType;
  linkname: string;
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
  const magic = text(block, 257, 8, false);
  let name = text(block, 0, 100);
  // Only POSIX ustar has a prefix field; in GNU headers those bytes are other data.
  if (magic === USTAR_MAGIC) {
    const prefix = text(block, 345, 155);
    if (prefix) name = `${prefix}/${name}`;
  }
  const typeflag = String.fromCharCode(block[156]);
  return {
    name,
    mode: readNumber(block, 100, 8, 'mode'),
    size: readNumber(block, 124, 12, 'size'),
    mtime: readNumber(block, 136, 12, 'mtime'),
    typeflag,
    type: typeByFlag[typeflag] ?? 'other',
    linkname: text(block, 157, 100),
  };
}

/** The unsigned sum of the header with the checksum field as spaces. */
function checksum(block: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i];
  return sum;
}

function text(block: Uint8Array, offset: number, length: number, toNul = true): string {
  let end = offset + length;
  if (toNul) {
    const nul = block.indexOf(0, offset);
    if (nul !== -1 && nul < end) end = nul;
  }
  return Buffer.from(block.buffer, block.byteOffset + offset, end - offset).toString('utf8');
}

/** An octal field (spaces and NULs around it allowed) or a positive base-256 one (GNU, first byte 0x80). */
function readNumber(block: Uint8Array, offset: number, length: number, field: string): number {
  if (block[offset] === 0x80) {
    let value = 0;
    for (let i = offset + 1; i < offset + length; i++) value = value * 256 + block[i];
    if (!Number.isSafeInteger(value)) throw new TarError(`a tar header's ${field} is too large`);
    return value;
  }
  if (block[offset] & 0x80) throw new TarError(`a tar header's ${field} is negative or not a number`);
  const digits = text(block, offset, length, false).replace(/^[ \0]+|[ \0]+$/g, '');
  if (digits === '') return 0;
  if (!/^[0-7]+$/.test(digits)) throw new TarError(`a tar header's ${field} is not an octal number`);
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
