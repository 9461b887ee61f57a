// Signed-out sessions that a signed cookie would otherwise still open (signed-sessions.ts): the
// cookie holds everything, so ending it early means remembering its id until it would have
// expired anyway. Reads are synchronous, as identifying a request is: an implementation shared
// between replicas (through the shared store) keeps its own copy in memory and fills it from
// there (shared-revocations.ts); one server keeps them in its state folder (file-revocations.ts).
// MemoryRevocations knows this process's sign-outs only.
//
// An admin's person-wide sign-out (docs/team-mode.md, "Offboarding") is kept beside them, as one
// more sign-out: under the person's key (personKey), until every sign-in made before it has ended
// by itself (SESSION_MS after it). A later one of the same person replaces it.
import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import { SESSION_MS } from './session-lifetime.ts';

export type PersonSignedOut = (user: string, at: number) => void;

export interface Revocations {
  /** Session `id` is ended; it need not be remembered past `expiresAt`, when it ends by itself. */
  revoke(id: string, expiresAt: number): void;
  isRevoked(id: string): boolean;
  /** Every sign-in of `user` made until `at` is ended (an admin signed them out everywhere). */
  revokePerson(user: string, at: number): void;
  /** Whether a sign-in of `user` made at `signedInAt` was ended so. */
  isPersonRevoked(user: string, signedInAt: number): boolean;
  /** Told each person-wide sign-out once: this process's at once, another replica's when heard of. */
  onPersonRevoked(listener: PersonSignedOut): void;
}

const PERSON = 'person.';

/**
 * What a person-wide sign-out is kept under, beside the hashes of sessions' ids: a dot is in no
 * hash or id, so none is taken for another, and a replica of a build before person-wide sign-outs
 * keeps it as a sign-out of a session that never comes (it ignores it).
 */
export function personKey(user: string): string {
  return PERSON + Buffer.from(user).toString('base64url');
}

/** The person-wide sign-out a key and its end stand for; undefined for a session's. */
export function personSignOut(key: string, expiresAt: number): { user: string; at: number } | undefined {
  if (!key.startsWith(PERSON)) return undefined;
  return { user: Buffer.from(key.slice(PERSON.length), 'base64url').toString(), at: expiresAt - SESSION_MS };
}

/** How long a person-wide sign-out made at `at` is kept: until the last sign-in it ends would have ended by itself. */
export const personSignOutEnd = (at: number) => at + SESSION_MS;

/** What a sign-out is kept under where it leaves this process (a file, the shared store): the SHA-256 of the session's id, which names no session to anyone reading it. */
export function revokedIdHash(id: string): string {
  return createHash('sha256').update(id).digest('base64url');
}

/** Sign-outs of a day at a busy team's pace; past it the longest-kept go first. */
export const MAX_REVOCATIONS = 100_000;

export class MemoryRevocations implements Revocations {
  readonly #until = new Map<string, number>();
  readonly #personListeners: PersonSignedOut[] = [];

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

  revokePerson(user: string, at: number): void {
    const key = personKey(user);
    // one known already, told again (a replica hears its own; the store may tell one twice), ends
    // nothing more: told on, in proxy mode it would close the sockets of a person let in again since
    if ((this.#until.get(key) ?? -Infinity) >= personSignOutEnd(at)) return;
    this.revoke(key, personSignOutEnd(at));
    for (const listener of this.#personListeners) listener(user, at);
  }

  isPersonRevoked(user: string, signedInAt: number): boolean {
    const key = personKey(user);
    return this.isRevoked(key) && personSignOutEnd(signedInAt) <= this.#until.get(key)!;
  }

  onPersonRevoked(listener: PersonSignedOut): void {
    this.#personListeners.push(listener);
  }

  #sweep(): void {
    const now = this.now();
    for (const [id, until] of this.#until) if (now >= until) this.#until.delete(id);
  }
}
