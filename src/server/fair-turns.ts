// Turns at something scarce (a recording's read: a pass over its file or a database connection,
// and a stream out): at most `atOnce` at a time, and at most one per key (a person). Whoever asks
// waits in the order asked, but a person who already has a turn does not keep anyone else
// waiting: a client that reads slowly holds its own person's turn only, never every turn.

export class FairTurns {
  /** keys holding a turn (one each, so its size is the turns taken) */
  readonly #holding = new Set<string>();
  readonly #waiting: { key: string; start: () => void }[] = [];

  constructor(private readonly atOnce: number) {}

  /** Runs `work` in a turn of `key`'s, once one is free; the turn passes on when it settles. */
  async take<T>(key: string, work: () => Promise<T>): Promise<T> {
    await new Promise<void>((start) => {
      this.#waiting.push({ key, start });
      this.#next();
    });
    try {
      return await work();
    } finally {
      this.#holding.delete(key);
      this.#next();
    }
  }

  #next(): void {
    for (let i = 0; i < this.#waiting.length && this.#holding.size < this.atOnce; ) {
      const { key, start } = this.#waiting[i];
      if (this.#holding.has(key)) {
        i++;
        continue;
      }
      this.#waiting.splice(i, 1);
      this.#holding.add(key);
      start();
    }
  }
}
