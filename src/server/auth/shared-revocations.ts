// Sign-outs every replica hears of (revocations.ts), through the shared store: a sign-out here is
// remembered here at once and sent to the store, which tells every replica (this one too) within
// about a second; each keeps its own copy, so that isRevoked stays a lookup in memory, as
// identifying a request must be. The store is given only the SHA-256 of the session's id: what it
// holds names no session to anyone reading it, and is never a cookie.
//
// A person-wide sign-out (revocations.ts) travels the same way, under the person's key: each
// replica that hears it tells its listeners, which end the person's sessions there (their sockets
// close) without waiting for their next request. A replica of a build from before them keeps it as
// a sign-out of no session: it still takes the person's cookies until it is replaced.
//
// A sign-out the store cannot take now waits there (it is written when the store answers again);
// meanwhile, and if this replica stops first, the other replicas still take a copy of the cookie.
import type { RevokedSignIn, SharedStore } from '../../events/shared-store.ts';
import { MemoryRevocations, personKey, personSignOut, personSignOutEnd, revokedIdHash, type PersonSignedOut, type Revocations } from './revocations.ts';

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
    this.#send(idHash, expiresAt);
  }

  revokePerson(user: string, at: number): void {
    this.#known.revokePerson(user, at);
    this.#send(personKey(user), personSignOutEnd(at));
  }

  #send(key: string, expiresAt: number): void {
    try {
      this.store.revokeSignIn(key, expiresAt);
    } catch (error) {
      this.warn(`a sign-out is known to this replica only: ${(error as Error).message}`);
    }
  }

  isRevoked(id: string): boolean {
    return this.#known.isRevoked(revokedIdHash(id));
  }

  isPersonRevoked(user: string, signedInAt: number): boolean {
    return this.#known.isPersonRevoked(user, signedInAt);
  }

  onPersonRevoked(listener: PersonSignedOut): void {
    this.#known.onPersonRevoked(listener);
  }

  #heard(revoked: RevokedSignIn[]): void {
    const now = this.now();
    for (const { idHash, expiresAt } of revoked) {
      if (expiresAt <= now) continue;
      const person = personSignOut(idHash, expiresAt);
      if (person) this.#known.revokePerson(person.user, person.at);
      else this.#known.revoke(idHash, expiresAt);
    }
  }
}
