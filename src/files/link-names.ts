// The symlinks an untrusted stream has passed on so far, remembered so that nothing is let through
// one of them (checked-entries.ts). They are kept as a tree of their names' parts, each part a Map
// entry keyed by its parent's number: whether a path goes through a link is one walk down its
// parts, linear in its length. Looking each leading part up as a string instead hashes the name
// again for every part: tens of milliseconds for one deep name of 4 KiB, with the event loop held.
import { TarError } from './tar-error.ts';

/** what the remembered names may take in memory */
const MAX_LINK_NAME_BYTES = 16 * 2 ** 20;
/** what a Map entry and its key's string take beyond the key's characters (an estimate that errs high) */
const ENTRY_BYTES = 64;

export class LinkNames {
  /** `${parent's number}/${part}` → the number of that path; the root's number is 0 */
  #paths = new Map<string, number>();
  #links = new Set<number>();
  #bytes = 0;

  /** Remembers the symlink named `parts`; a TarError when the names would take too much memory. */
  add(parts: readonly string[]): void {
    let at = 0;
    for (const part of parts) {
      const key = `${at}/${part}`;
      let next = this.#paths.get(key);
      if (next === undefined) {
        this.#bytes += key.length + ENTRY_BYTES;
        if (this.#bytes > MAX_LINK_NAME_BYTES) throw new TarError(`the tar stream has more than ${MAX_LINK_NAME_BYTES / 2 ** 20} MiB of symlink names: too many to check, so it is refused`);
        next = this.#paths.size + 1;
        this.#paths.set(key, next);
      }
      at = next;
    }
    this.#links.add(at);
  }

  /** Whether the path `parts`, or one of its leading parts, is a symlink remembered here. */
  through(parts: readonly string[]): boolean {
    let at = 0;
    for (const part of parts) {
      const next = this.#paths.get(`${at}/${part}`);
      if (next === undefined) return false;
      if (this.#links.has(next)) return true;
      at = next;
    }
    return false;
  }
}
