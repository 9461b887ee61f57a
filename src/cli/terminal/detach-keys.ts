// Leaving an attach without ending the process: Ctrl-P Ctrl-Q, the sequence docker attach and
// kubectl users know. Keys pass through as typed until the sequence is seen; a Ctrl-P is held
// until the next key says whether it starts the sequence (it then goes on, with that key).
export const DETACH_KEYS_NAME = 'Ctrl-P Ctrl-Q';

const CTRL_P = 0x10;
const CTRL_Q = 0x11;

export class DetachKeys {
  #held = false;

  /** What to send of `keys`, and whether the sequence ended them (what follows it is dropped). */
  filter(keys: Uint8Array): { send: Uint8Array; detach: boolean } {
    const out: number[] = [];
    for (const key of keys) {
      if (this.#held) {
        this.#held = false;
        if (key === CTRL_Q) return { send: Uint8Array.from(out), detach: true };
        out.push(CTRL_P);
      }
      if (key === CTRL_P) this.#held = true;
      else out.push(key);
    }
    return { send: Uint8Array.from(out), detach: false };
  }
}
