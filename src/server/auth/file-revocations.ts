// Sign-outs kept in a file of the state folder (revocations.ts), for one server whose signed
// sessions outlive a restart (--session-key-file without a shared store): in memory only, a
// restart forgot every sign-out, and a copy of a signed-out cookie worked again until its own
// expiry. Each sign-out is a line, "HASH EXPIRES_AT", the SHA-256 of the session's id (the file
// names no session to anyone reading it); read back at start, the ones that ended by themselves
// are left out and the file is written anew, and so every REWRITE_EVERY sign-outs while it runs:
// it holds about a lifetime's sign-outs, however long the server runs.
//
// A person-wide sign-out (revocations.ts) is a line too, "person.NAME EXPIRES_AT" (NAME the user
// in base64url), which a build from before them passes over as a line it cannot read.
//
// A line that cannot be written is said and the sign-out is still known to this process, as
// before; a line that cannot be read (a torn last line after a crash) is passed over.
import { appendFileSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { errorText } from '../../runtime/error-text.ts';
import { MemoryRevocations, personKey, personSignOut, personSignOutEnd, revokedIdHash, type PersonSignedOut, type Revocations } from './revocations.ts';

const LINE = /^([A-Za-z0-9_-]{43}|person\.[A-Za-z0-9_-]+) (\d{1,16})$/;
/** sign-outs appended before the file is written anew without the ended ones */
export const REWRITE_EVERY = 10_000;

export class FileRevocations implements Revocations {
  readonly #known: MemoryRevocations;
  #appended = 0;

  constructor(
    private readonly file: string,
    private readonly warn: (message: string) => void,
    now: () => number = Date.now,
  ) {
    this.#known = new MemoryRevocations(now);
    for (const line of readLines(file, warn)) {
      const match = LINE.exec(line);
      if (!match || Number(match[2]) <= now()) continue;
      const person = personSignOut(match[1], Number(match[2]));
      if (person) this.#known.revokePerson(person.user, person.at);
      else this.#known.revoke(match[1], Number(match[2]));
    }
    this.#rewrite();
  }

  revoke(id: string, expiresAt: number): void {
    const idHash = revokedIdHash(id);
    this.#known.revoke(idHash, expiresAt);
    this.#append(idHash, expiresAt);
  }

  revokePerson(user: string, at: number): void {
    this.#known.revokePerson(user, at);
    this.#append(personKey(user), personSignOutEnd(at));
  }

  #append(key: string, expiresAt: number): void {
    try {
      appendFileSync(this.file, `${key} ${Math.ceil(expiresAt)}\n`, { mode: 0o600 });
    } catch (error) {
      this.warn(`a sign-out is known to this process only, until it restarts: ${this.file}: ${errorText(error)}`);
    }
    if (++this.#appended >= REWRITE_EVERY) this.#rewrite();
  }

  /** The file anew, with the sign-outs still to be remembered. */
  #rewrite(): void {
    this.#appended = 0;
    try {
      writeFileSync(`${this.file}.new`, [...this.#known.kept()].map(([idHash, until]) => `${idHash} ${Math.ceil(until)}\n`).join(''), { mode: 0o600 });
      renameSync(`${this.file}.new`, this.file);
    } catch (error) {
      this.warn(`sign-outs: ${this.file} could not be written anew (${errorText(error)}): sign-outs from now on may be forgotten at the next restart`);
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
}

function readLines(file: string, warn: (message: string) => void): string[] {
  try {
    return readFileSync(file, 'utf8').split('\n');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') warn(`sign-outs: ${file} cannot be read (${errorText(error)}): sign-outs before this start are forgotten`);
    return [];
  }
}
