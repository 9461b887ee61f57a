// Keystrokes typed into a terminal whose exec is still connecting: kept, up to a bound, and sent
// in order when its stream opens (a page's first keys after Shell are not lost to the connect).
// A stream that closes instead drops them. Each run of keys is kept with who typed it: a share's
// person's keys go only if the share still lets them type when the stream opens (data-plane.ts).
// All of a session's keys are joined into one buffer (joined-bytes.ts), and where each run ends
// and whose it is are two numbers in a typed array: kept as an object a frame, or a buffer a run,
// two sockets typing a byte a frame in turn would cost ~1 KB a byte, and the bound, in bytes,
// would not bound the memory.
import { MAX_HELD_INPUT } from '../runtime/unanswered-input.ts';
import { join, joinFrom, type Joined } from '../runtime/joined-bytes.ts';

interface Held<By> {
  typed: Joined;
  /** per run: where it ends in `typed`, then its typist's index in `bys` */
  runs: Uint32Array;
  count: number;
  bys: By[];
}

export class ConnectingInput<By> {
  readonly #held = new Map<string, Held<By>>();

  /** Keeps `bytes`, typed by `by`, for the session; false when that would pass the bound (they are not kept). */
  hold(sessionId: string, bytes: Uint8Array, by: By): boolean {
    let held = this.#held.get(sessionId);
    if (bytes.length > MAX_HELD_INPUT || (held && !join(held.typed, bytes, MAX_HELD_INPUT))) return false;
    if (!held) this.#held.set(sessionId, (held = { typed: joinFrom(bytes), runs: new Uint32Array(16), count: 0, bys: [] }));
    let index = held.bys.lastIndexOf(by); // a few typists at most: the owner's sockets and a share's
    if (index < 0) index = held.bys.push(by) - 1;
    const { runs, count } = held;
    if (count > 0 && runs[2 * count - 1] === index) {
      runs[2 * count - 2] = held.typed.length; // the same typist's run goes on
    } else {
      if (2 * count + 2 > runs.length) (held.runs = new Uint32Array(2 * runs.length)).set(runs);
      held.runs.set([held.typed.length, index], 2 * count);
      held.count++;
    }
    return true;
  }

  /** What was kept for the session, in order, a run a chunk, forgotten here. */
  take(sessionId: string): { bytes: Uint8Array; by: By }[] {
    const held = this.#held.get(sessionId);
    this.#held.delete(sessionId);
    if (!held) return [];
    const taken: { bytes: Uint8Array; by: By }[] = [];
    for (let i = 0, start = 0; i < held.count; start = held.runs[2 * i], i++) {
      taken.push({ bytes: held.typed.bytes.subarray(start, held.runs[2 * i]), by: held.bys[held.runs[2 * i + 1]] });
    }
    return taken;
  }
}
