// SPDY PINGs a session sends, each waiting for its echo: the round trip, or the session's end.
// Ids are odd for a client and even for a server, as SPDY says; so are the peer's.

interface PendingPing {
  sentAt: number;
  resolve: (roundTripMs: number) => void;
  reject: (error: Error) => void;
}

export class Pings {
  readonly #pending = new Map<number, PendingPing>();
  #nextId: number;

  constructor(
    private readonly role: 'client' | 'server',
    private readonly send: (id: number) => void,
  ) {
    this.#nextId = role === 'client' ? 1 : 2;
  }

  /** Whether a PING with this id is one of ours coming back (or else the peer's, to echo). */
  isOurs(id: number): boolean {
    return id % 2 === (this.role === 'client' ? 1 : 0);
  }

  ping(): Promise<number> {
    const id = this.#nextId;
    this.#nextId = (this.#nextId + 2) % 0x100000000;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { sentAt: performance.now(), resolve, reject });
      this.send(id);
    });
  }

  echoed(id: number): void {
    const pending = this.#pending.get(id);
    this.#pending.delete(id);
    pending?.resolve(performance.now() - pending.sentAt);
  }

  failAll(error: Error): void {
    for (const ping of this.#pending.values()) ping.reject(error);
    this.#pending.clear();
  }
}
