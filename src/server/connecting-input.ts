// Keystrokes typed into a terminal whose exec is still connecting: kept, up to a bound, and sent
// in order when its stream opens (a page's first keys after Shell are not lost to the connect).
// A stream that closes instead drops them. Each chunk is kept with who typed it: a share's
// person's keys go only if the share still lets them type when the stream opens (data-plane.ts).
import { MAX_HELD_INPUT } from '../runtime/unanswered-input.ts';

export class ConnectingInput<By> {
  readonly #held = new Map<string, { chunks: { bytes: Uint8Array; by: By }[]; bytes: number }>();

  /** Keeps `bytes`, typed by `by`, for the session; false when that would pass the bound (they are not kept). */
  hold(sessionId: string, bytes: Uint8Array, by: By): boolean {
    const held = this.#held.get(sessionId) ?? { chunks: [], bytes: 0 };
    if (held.bytes + bytes.length > MAX_HELD_INPUT) return false;
    held.chunks.push({ bytes: bytes.slice(), by });
    held.bytes += bytes.length;
    this.#held.set(sessionId, held);
    return true;
  }

  /** What was kept for the session, in order, forgotten here. */
  take(sessionId: string): { bytes: Uint8Array; by: By }[] {
    const held = this.#held.get(sessionId);
    this.#held.delete(sessionId);
    return held?.chunks ?? [];
  }
}
