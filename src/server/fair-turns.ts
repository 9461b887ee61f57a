// Turns at something scarce (a recording's read: a pass over its file or a database connection,
// and a stream out; a screen's build: a headless terminal): at most `atOnce` at a time, and at
// most one per key (a person, a page's socket). Whoever asks waits in the order asked, but a key
// that already has a turn keeps nobody else waiting: a client that reads slowly, or a page that
// asks for many, holds its own turn only, never every turn.

export class FairTurns<Key> {
  /** keys holding a turn (one each, so its size is the turns taken) */
  readonly #holding = new Set<Key>();
  readonly #waiting: { key: Key; start: () => void }[] = [];

  constructor(private readonly atOnce: number) {}

  /**
   * Runs `work` in a turn of `key`'s, once one is free (at once, in this call, when one is: what
   * it reads is as of the ask); the turn passes on when it settles. Those still waiting when a
   * turn is free wait for their own key's, so taking it at once passes nobody.
   */
  async take<T>(key: Key, work: () => Promise<T>): Promise<T> {
    if (this.#holding.size < this.atOnce && !this.#holding.has(key)) this.#holding.add(key);
    else await new Promise<void>((start) => this.#waiting.push({ key, start }));
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
