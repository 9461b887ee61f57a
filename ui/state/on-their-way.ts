// Requests the page has sent and the server has not answered yet, by what they are for: a button
// that goes only once the socket brings the answer's news (Restart, a tab's ×) can be clicked
// twice over a slow link, and the second request would only come back refused.
export class OnTheirWay {
  readonly #keys = new Set<string>();

  /** Runs `request`, unless one for `key` is still on its way: then nothing (the first one's answer stands for both). */
  run(key: string, request: () => Promise<void>): Promise<void> {
    if (this.#keys.has(key)) return Promise.resolve();
    this.#keys.add(key);
    return request().finally(() => this.#keys.delete(key));
  }
}
