// Small pieces of input joined into one buffer as they come. Kept one by one, each piece costs an
// object (a Uint8Array and its backing store: a hundred bytes or more) whatever it carries, so a
// client that sends one byte a frame would hold the server's memory by frames, not by bytes, under
// bounds counted in bytes. Joined, what waits costs its bytes (at most twice: the buffer doubles).

/** Bytes joined so far: the first `length` of `bytes`. */
export interface Joined {
  bytes: Uint8Array;
  length: number;
}

/** a join's first buffer: keystrokes come a few bytes at a time, and most joins stay this small */
const FIRST_BYTES = 1024;

/** A join that begins with a copy of `data` (the caller's buffer may be reused). */
export function joinFrom(data: Uint8Array): Joined {
  const bytes = new Uint8Array(Math.max(data.length, FIRST_BYTES));
  bytes.set(data);
  return { bytes, length: data.length };
}

/** Appends a copy of `data` unless the join would pass `limit` bytes; false then (nothing appended). */
export function join(into: Joined, data: Uint8Array, limit: number): boolean {
  const length = into.length + data.length;
  if (length > limit) return false;
  if (length > into.bytes.length) {
    const grown = new Uint8Array(Math.min(limit, Math.max(2 * into.bytes.length, length)));
    grown.set(into.bytes.subarray(0, into.length));
    into.bytes = grown;
  }
  into.bytes.set(data, into.length);
  into.length = length;
  return true;
}

/** The joined bytes (a view: the join must not be appended to while it is in use). */
export function joined(from: Joined): Uint8Array {
  return from.bytes.subarray(0, from.length);
}
