// When a page first heard of each terminal: the moment the first `session` push for its id came
// in. An id is known only once POST /exec answers, and the push may come before the answer (the
// holder answers once its own entries are delivered), so every first push is noted as it arrives.
import type { HubClient } from './hub-client.ts';

export class SessionPushes {
  readonly #first = new Map<string, number>();
  readonly #waiting = new Map<string, (at: number) => void>();
  readonly #stop: () => void;

  constructor(page: HubClient) {
    this.#stop = page.onMessage((message) => {
      if (message.type !== 'session' || this.#first.has(message.session.sessionId)) return;
      const at = performance.now();
      this.#first.set(message.session.sessionId, at);
      this.#waiting.get(message.session.sessionId)?.(at);
      this.#waiting.delete(message.session.sessionId);
    });
  }

  /** whether the page has heard of `sessionId` yet */
  has(sessionId: string): boolean {
    return this.#first.has(sessionId);
  }

  /** performance.now() at the first push for `sessionId` (no timeout: a push that never comes is a broken product) */
  first(sessionId: string): Promise<number> {
    const at = this.#first.get(sessionId);
    if (at !== undefined) return Promise.resolve(at);
    return new Promise((resolve) => this.#waiting.set(sessionId, resolve));
  }

  stop(): void {
    this.#stop();
  }
}
