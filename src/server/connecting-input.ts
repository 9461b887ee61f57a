// Keystrokes typed into a terminal whose exec is still connecting: kept, up to a bound, and sent
// in order when its stream opens (a page's first keys after Shell are not lost to the connect).
// A stream that closes instead drops them.
import { MAX_HELD_INPUT } from '../runtime/unanswered-input.ts';

export class ConnectingInput {
  readonly #held = new Map<string, { chunks: Uint8Array[]; bytes: number }>();

  /** Keeps `bytes` for the session; false when that would pass the bound (they are not kept). */
  hold(sessionId: string, bytes: Uint8Array): boolean {
    const held = this.#held.get(sessionId) ?? { chunks: [], bytes: 0 };
    if (held.bytes + bytes.length > MAX_HELD_INPUT) return false;
    held.chunks.push(bytes.slice());
    held.bytes += bytes.length;
    this.#held.set(sessionId, held);
    return true;
  }

  /** What was kept for the session, in order, forgotten here. */
  take(sessionId: string): Uint8Array[] {
    const held = this.#held.get(sessionId);
    this.#held.delete(sessionId);
    return held?.chunks ?? [];
  }
}
