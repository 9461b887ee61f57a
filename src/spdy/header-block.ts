// The SPDY/3 name/value block (before compression): a 32-bit count, then per header a 32-bit
// name length, the name, a 32-bit value length, the value. Several values of one name travel as
// one value joined by NUL bytes; we keep them that way (exec never sends any).
import { SpdyProtocolError } from './errors.ts';

/** Header names are lowercase; a value with several parts keeps its NUL separators. */
export type SpdyHeaders = Record<string, string>;

/** Every entry takes at least two 32-bit lengths and a one-byte name. */
const MIN_ENTRY_LENGTH = 9;

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

export function encodeHeaderBlock(headers: SpdyHeaders): Uint8Array {
  const entries = Object.entries(headers).map(([name, value]) => [utf8.encode(name.toLowerCase()), utf8.encode(value)] as const);
  const names = new Set(entries.map(([name]) => fromUtf8.decode(name)));
  // Go's framer (kubectl, kubelet) drops the whole connection on a duplicate name.
  if (names.size !== entries.length) throw new TypeError('header names must be unique regardless of case');
  if (entries.some(([name]) => name.length === 0)) throw new TypeError('header names must not be empty');
  const length = entries.reduce((sum, [name, value]) => sum + 8 + name.length + value.length, 4);
  const block = new Uint8Array(length);
  const view = new DataView(block.buffer);
  view.setUint32(0, entries.length);
  let offset = 4;
  for (const [name, value] of entries) {
    view.setUint32(offset, name.length);
    block.set(name, offset + 4);
    offset += 4 + name.length;
    view.setUint32(offset, value.length);
    block.set(value, offset + 4);
    offset += 4 + value.length;
  }
  return block;
}

export function decodeHeaderBlock(block: Uint8Array): SpdyHeaders {
  const bad = (why: string) => new SpdyProtocolError('invalid-header-block', `name/value block: ${why}`);
  const view = new DataView(block.buffer, block.byteOffset, block.length);
  let offset = 0;
  const u32 = () => {
    if (offset + 4 > block.length) throw bad('truncated');
    const value = view.getUint32(offset);
    offset += 4;
    return value;
  };
  const bytes = (length: number) => {
    if (length > block.length - offset) throw bad('truncated');
    const slice = block.subarray(offset, offset + length);
    offset += length;
    return fromUtf8.decode(slice);
  };
  const count = u32();
  if (count > (block.length - 4) / MIN_ENTRY_LENGTH) throw bad(`${count} entries cannot fit in ${block.length} bytes`);
  const headers: SpdyHeaders = Object.create(null);
  for (let i = 0; i < count; i++) {
    const name = bytes(u32());
    if (name.length === 0) throw bad('empty name');
    if (name !== name.toLowerCase()) throw bad(`name "${name}" is not lowercase`);
    if (Object.hasOwn(headers, name)) throw bad(`duplicate name "${name}"`);
    headers[name] = bytes(u32());
  }
  if (offset !== block.length) throw bad(`${block.length - offset} bytes after the last entry`);
  return headers;
}
