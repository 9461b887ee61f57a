// Keystrokes typed into a terminal whose exec is still connecting: kept, up to a bound, and sent
// in order when its stream opens (a page's first keys after Shell are not lost to the connect).
// A stream that closes instead drops them. Each chunk is kept with who typed it: a share's
// person's keys go only if the share still lets them type when the stream opens (data-plane.ts).
// One person's keys in a row are joined (joined-bytes.ts): a frame each, one-byte frames would
// cost an object each, and the bound, in bytes, would not bound the memory.
import { MAX_HELD_INPUT } from '../runtime/unanswered-input.ts';
import { join, joinFrom, joined, type Joined } from '../runtime/joined-bytes.ts';

export class ConnectingInput<By> {
  readonly #held = new Map<string, { chunks: { typed: Joined; by: By }[]; bytes: number }>();

  /** Keeps `bytes`, typed by `by`, for the session; false when that would pass the bound (they are not kept). */
  hold(sessionId: string, bytes: Uint8Array, by: By): boolean {
    const held = this.#held.get(sessionId) ?? { chunks: [], bytes: 0 };
    if (held.bytes + bytes.length > MAX_HELD_INPUT) return false;
    const last = held.chunks.at(-1);
    if (!last || last.by !== by || !join(last.typed, bytes, MAX_HELD_INPUT)) held.chunks.push({ typed: joinFrom(bytes), by });
    held.bytes += bytes.length;
    this.#held.set(sessionId, held);
    return true;
  }

  /** What was kept for the session, in order, forgotten here. */
  take(sessionId: string): { bytes: Uint8Array; by: By }[] {
    const held = this.#held.get(sessionId);
    this.#held.delete(sessionId);
    return held?.chunks.map(({ typed, by }) => ({ bytes: joined(typed), by })) ?? [];
  }
}
