// A small observable store: one immutable state, replaced by update(), listeners told after each
// change. Views read it through useStore (views/use-store.ts); nothing here knows about the DOM.
export class Store<S> {
  #state: S;
  readonly #listeners = new Set<(state: S) => void>();

  constructor(initial: S) {
    this.#state = initial;
  }

  get(): S {
    return this.#state;
  }

  update(change: (state: S) => S | Partial<S>): void {
    const next = change(this.#state);
    if (next === this.#state) return;
    this.#state = { ...this.#state, ...next };
    for (const listener of this.#listeners) listener(this.#state);
  }

  subscribe(listener: (state: S) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
