// The listeners of one kind of news: added with a way to remove them, each told in turn.
export class Listeners<Args extends unknown[]> {
  readonly #set = new Set<(...args: Args) => void>();

  /** Adds `listener`; returns the way to remove it. */
  add(listener: (...args: Args) => void): () => void {
    this.#set.add(listener);
    return () => this.#set.delete(listener);
  }

  tell(...args: Args): void {
    for (const listener of this.#set) listener(...args);
  }
}
