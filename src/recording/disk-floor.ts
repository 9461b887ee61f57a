// Recordings kept in files share the state directory's disk with the event log. Each recording
// has its limit (--record-max-bytes) and an age (--retain), but with `--record all` many of them
// can still fill the disk, and then the log cannot be written (its entries wait in memory, and a
// stop loses them). So recordings keep off a floor of free space (--record-min-free): none
// starts below it, and one that is written when the disk falls below it stops there (its file
// kept, to its last whole line), the terminal going on. The free space is looked at once in a
// while, not at every write (a statfs each); a disk that cannot say (statfs refused) has no floor.
import { statfs } from 'node:fs/promises';

/** the default floor: room for the log to go on for a long while (a busy terminal-hour logs a few KiB) */
export const DEFAULT_RECORD_MIN_FREE_BYTES = 256 * 1024 * 1024;
/** how long a reading of the free space is trusted: a recording writes at most a few MiB meanwhile */
const RECHECK_MS = 2_000;

const mib = (bytes: number) => `${Math.floor(bytes / (1024 * 1024))} MiB`;

export class DiskFloor {
  #free = Infinity;
  #readAt = -Infinity;
  #reading: Promise<void> | undefined;

  /** `freeBytes`: how much this user may still write on the disk of `dir` (injected: tests) */
  constructor(
    readonly dir: string,
    readonly minFreeBytes: number,
    private readonly freeBytes: (dir: string) => Promise<number> = async (path) => {
      const disk = await statfs(path);
      return disk.bavail * disk.bsize;
    },
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Resolves when a recording may be written now; throws an Error saying why not. */
  async check(): Promise<void> {
    if (this.minFreeBytes <= 0) return;
    if (this.now() - this.#readAt >= RECHECK_MS) await (this.#reading ??= this.#read());
    if (this.#free < this.minFreeBytes) {
      throw new Error(`only ${mib(this.#free)} is free on the disk of ${this.dir}, under --record-min-free (${mib(this.minFreeBytes)}), which is kept for the event log: recordings stop until there is room (free some, or lower --record-min-free)`);
    }
  }

  async #read(): Promise<void> {
    try {
      this.#free = await this.freeBytes(this.dir);
    } catch {
      this.#free = Infinity; // a disk that cannot tell: no floor, as before there was one
    } finally {
      this.#readAt = this.now();
      this.#reading = undefined;
    }
  }
}
