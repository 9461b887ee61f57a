// Signed-out sessions that a signed cookie would otherwise still open (signed-sessions.ts): the
// cookie holds everything, so ending it early means remembering its id until it would have
// expired anyway. Reads are synchronous, as identifying a request is: an implementation shared
// between replicas (through the shared store) keeps its own copy in memory and fills it from
// there (shared-revocations.ts); one server keeps them in its state folder (file-revocations.ts).
// MemoryRevocations knows this process's sign-outs only.
import { createHash } from 'node:crypto';

export interface Revocations {
  /** Session `id` is ended; it need not be remembered past `expiresAt`, when it ends by itself. */
  revoke(id: string, expiresAt: number): void;
  isRevoked(id: string): boolean;
}

/** What a sign-out is kept under where it leaves this process (a file, the shared store): the SHA-256 of the session's id, which names no session to anyone reading it. */
export function revokedIdHash(id: string): string {
  return createHash('sha256').update(id).digest('base64url');
}

/** Sign-outs of a day at a busy team's pace; past it the longest-kept go first. */
export const MAX_REVOCATIONS = 100_000;

export class MemoryRevocations implements Revocations {
  readonly #until = new Map<string, number>();

  constructor(
    private readonly now: () => number,
    private readonly max = MAX_REVOCATIONS,
  ) {}

  get size(): number {
    return this.#until.size;
  }

  revoke(id: string, expiresAt: number): void {
    if (this.#until.size >= this.max) this.#sweep();
    // Past the bound the oldest sign-out is forgotten: its cookie, if a copy survives, works again
    // until its own expiry. Only signed-in people can sign out, and sign-ins are rate-limited.
    while (this.#until.size >= this.max) this.#until.delete(this.#until.keys().next().value!);
    this.#until.set(id, expiresAt);
  }

  /** Every sign-out still to be remembered, with its end. */
  *kept(): Generator<[string, number]> {
    const now = this.now();
    for (const entry of this.#until) if (now < entry[1]) yield entry;
  }

  isRevoked(id: string): boolean {
    const until = this.#until.get(id);
    if (until === undefined) return false;
    if (this.now() < until) return true;
    this.#until.delete(id);
    return false;
  }

  #sweep(): void {
    const now = this.now();
    for (const [id, until] of this.#until) if (now >= until) this.#until.delete(id);
  }
}
