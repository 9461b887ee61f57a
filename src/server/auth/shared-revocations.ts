// Sign-outs every replica hears of (revocations.ts), through the shared store: a sign-out here is
// remembered here at once and sent to the store, which tells every replica (this one too) within
// about a second; each keeps its own copy, so that isRevoked stays a lookup in memory, as
// identifying a request must be. The store is given only the SHA-256 of the session's id: what it
// holds names no session to anyone reading it, and is never a cookie.
//
// A sign-out the store cannot take now waits there (it is written when the store answers again);
// meanwhile, and if this replica stops first, the other replicas still take a copy of the cookie.
import type { RevokedSignIn, SharedStore } from '../../events/shared-store.ts';
import { MemoryRevocations, revokedIdHash, type Revocations } from './revocations.ts';

export class SharedRevocations implements Revocations {
  /** by the hash of the session id */
  readonly #known: MemoryRevocations;

  constructor(
    private readonly store: Pick<SharedStore, 'revokeSignIn' | 'listenRevocations'>,
    private readonly warn: (message: string) => void,
    private readonly now: () => number = Date.now,
  ) {
    this.#known = new MemoryRevocations(now);
    store.listenRevocations((revoked) => this.#heard(revoked));
  }

  revoke(id: string, expiresAt: number): void {
    const idHash = revokedIdHash(id);
    this.#known.revoke(idHash, expiresAt);
    try {
      this.store.revokeSignIn(idHash, expiresAt);
    } catch (error) {
      this.warn(`a sign-out is known to this replica only: ${(error as Error).message}`);
    }
  }

  isRevoked(id: string): boolean {
    return this.#known.isRevoked(revokedIdHash(id));
  }

  #heard(revoked: RevokedSignIn[]): void {
    const now = this.now();
    for (const { idHash, expiresAt } of revoked) if (expiresAt > now) this.#known.revoke(idHash, expiresAt);
  }
}
