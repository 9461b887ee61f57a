// Header blocks are compressed with one zlib stream per direction for the whole connection:
// each block is flushed with Z_SYNC_FLUSH, never finished, so later blocks refer back to earlier
// ones and to the SPDY/3 dictionary. Losing or reordering one block corrupts all later ones,
// so each context runs one block at a time, in call order.
//
// Deno's node:zlib ignores the `dictionary` option when compressing (it honours it when
// inflating). Instead of a per-runtime branch, the deflater primes a raw deflate stream with the
// dictionary itself, throws that output away and writes the zlib header naming the dictionary:
// the peer's inflater, which starts with the dictionary as its window, reads exactly what a
// dictionary-aware deflater would have produced (same window, a block boundary at the start).
import zlib from 'node:zlib';
import { SPDY3_DICTIONARY } from './dictionary.ts';
import { SpdyProtocolError } from './errors.ts';

/** Largest inflated name/value block we accept; a compressed bomb stops here. */
export const MAX_HEADER_BLOCK_LENGTH = 256 * 1024;

function adler32(bytes: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (const byte of bytes) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/** zlib header: deflate with a 32 KiB window (0x78), FDICT set (0xbb, check bits included), dictionary id. */
function zlibHeaderWithDictionary(): Uint8Array {
  const header = new Uint8Array(6);
  header[0] = 0x78;
  header[1] = 0xbb;
  new DataView(header.buffer).setUint32(2, adler32(SPDY3_DICTIONARY));
  return header;
}

type ZlibStream = zlib.Deflate | zlib.DeflateRaw | zlib.Inflate;

/** Runs one write + sync flush at a time on a zlib stream and collects what it produced. */
class FlushQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private failure: Error | undefined;
  private fail: ((error: Error) => void) | undefined;

  constructor(private readonly stream: ZlibStream) {
    stream.on('error', (error: Error) => {
      this.failure = error;
      this.fail?.(error);
    });
  }

  /** Output beyond `limit` bytes is dropped and reported as an error after the flush. */
  run(input: Uint8Array, limit = Infinity): Promise<Uint8Array> {
    const result = this.tail.then(() => this.flushOne(input, limit));
    this.tail = result.catch(() => undefined);
    return result;
  }

  close(): void {
    this.stream.close();
  }

  private flushOne(input: Uint8Array, limit: number): Promise<Uint8Array> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const chunks: Uint8Array[] = [];
      let size = 0;
      const collect = (chunk: Uint8Array) => {
        size += chunk.length;
        if (size <= limit) chunks.push(chunk);
      };
      let settled = false;
      const settle = (error?: Error) => {
        if (settled) return;
        settled = true;
        this.stream.off('data', collect);
        this.fail = undefined;
        if (error) {
          this.failure = error;
          reject(error);
        } else if (size > limit) reject(new RangeError(`inflated header block exceeds ${limit} bytes`));
        else resolve(concat(chunks, size));
      };
      this.fail = settle;
      this.stream.on('data', collect);
      this.stream.write(input);
      // Node reports a corrupt input only through 'error'; Deno passes it to this callback
      // (before 'error'), so both paths settle, whichever comes first.
      this.stream.flush(zlib.constants.Z_SYNC_FLUSH, (error?: Error | null) => settle(error ?? undefined));
    });
  }
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/** Our direction: compresses name/value blocks in the order they will be sent. */
export class HeaderDeflater {
  private readonly queue = new FlushQueue(zlib.createDeflateRaw());
  private header: Uint8Array | undefined = zlibHeaderWithDictionary();

  constructor() {
    // Output discarded on purpose: only the window it leaves behind matters.
    void this.queue.run(SPDY3_DICTIONARY).catch(() => undefined);
  }

  async deflate(block: Uint8Array): Promise<Uint8Array> {
    const body = await this.queue.run(block);
    const header = this.header;
    if (!header) return body;
    this.header = undefined;
    return concat([header, body], header.length + body.length);
  }

  close(): void {
    this.queue.close();
  }
}

/** The peer's direction: inflates blocks in the order they arrived. */
export class HeaderInflater {
  private readonly queue = new FlushQueue(zlib.createInflate({ dictionary: SPDY3_DICTIONARY }));

  async inflate(compressed: Uint8Array): Promise<Uint8Array> {
    try {
      return await this.queue.run(compressed, MAX_HEADER_BLOCK_LENGTH);
    } catch (error) {
      const tooLarge = error instanceof RangeError;
      throw new SpdyProtocolError(
        tooLarge ? 'header-block-too-large' : 'invalid-header-block',
        `header block: ${(error as Error).message}`,
      );
    }
  }

  close(): void {
    this.queue.close();
  }
}
