// The SPDY resize stream is a sequence of JSON objects (client-go writes them with a
// json.Encoder, so newline-separated, but the kubelet reads them with a json.Decoder and needs
// no separator) cut into DATA frames anywhere. This decoder finds each whole top-level object
// and hands it to the one size parser the sandbox has.
import type { TerminalSize } from '../../domain/target.ts';
import { parseResizeMessage } from './resize-message.ts';

/** A client that sends this much without closing an object is not sending sizes. */
export const MAX_RESIZE_OBJECT_CHARS = 4096;

export class ResizeStreamDecoder {
  private readonly text = new TextDecoder();
  private pending = '';
  private depth = 0;
  private inString = false;
  private escaped = false;
  private scanned = 0;

  /** Sizes completed by this chunk, in order; malformed objects are skipped. */
  push(chunk: Uint8Array): TerminalSize[] {
    this.pending += this.text.decode(chunk, { stream: true });
    const sizes: TerminalSize[] = [];
    let start = 0;
    for (let i = this.scanned; i < this.pending.length; i++) {
      const c = this.pending[i];
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === '\\') this.escaped = true;
        else if (c === '"') this.inString = false;
      } else if (c === '"') {
        this.inString = this.depth > 0;
      } else if (c === '{') {
        if (this.depth === 0) start = i;
        this.depth++;
      } else if (c === '}' && this.depth > 0 && --this.depth === 0) {
        sizes.push(...parseResizeMessage(this.pending.slice(start, i + 1)));
        start = i + 1;
      } else if (this.depth === 0) {
        start = i + 1; // whitespace (or junk) between objects
      }
    }
    this.pending = this.pending.slice(start);
    this.scanned = this.pending.length;
    if (this.pending.length > MAX_RESIZE_OBJECT_CHARS) this.reset();
    return sizes;
  }

  private reset(): void {
    this.pending = '';
    this.scanned = 0;
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
  }
}
