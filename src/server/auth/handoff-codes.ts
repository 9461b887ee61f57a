// The one-time codes of the command line's sign-in through the browser (command-line-handoff.ts):
// the page gives one to the command line's listener on 127.0.0.1, and the command line trades it,
// with the PKCE verifier only it holds, for a session of its own. A code carries all it stands for,
// signed (signed-value.ts: `h1.PAYLOAD.MAC`): who, the challenge, when it was made, its end (2
// minutes on: the browser hands it over at once) and the browser session's end, which the command
// line's session never outlives. With a session key every replica takes a code any of them made;
// without one, a key of this process's own. A code is taken once on each replica (used-states.ts),
// by its nonce; a copy traded at another replica within its 2 minutes still needs the verifier,
// which never left the command line's process.
import { createHmac, randomBytes } from 'node:crypto';
import { isPerson, type Person } from '../../domain/person.ts';
import type { AuthMode } from '../../protocol/index.ts';
import { openValue, signValue } from './signed-value.ts';
import { UsedStates } from './used-states.ts';

export const CODE_MS = 120_000;
const VERSION = 'h1';
/** A hundred groups of 256 characters, with room to spare. */
const MAX_CODE_LENGTH = 64 * 1024;

export interface Handoff {
  mode: AuthMode;
  user: string;
  groups: string[];
  /** base64url(SHA-256(verifier)), as the command line sent it */
  challenge: string;
  /** when the person allowed it */
  issued: number;
  exp: number;
  /** the browser session's end */
  sessionEnd: number;
  /** when the browser's session was made: the command line's counts as made then (an admin's sign-out since ends both) */
  signedIn: number;
  nonce: string;
}

export class HandoffCodes {
  readonly #key: Buffer;
  readonly #used: UsedStates;

  constructor(
    sessionKey: Uint8Array | undefined,
    private readonly now: () => number,
  ) {
    this.#key = createHmac('sha256', sessionKey ?? randomBytes(32)).update('octant-exec command-line handoff code').digest();
    this.#used = new UsedStates(now);
  }

  issue(mode: AuthMode, person: Person, challenge: string, browser: { endsAt: number; at?: number }): string {
    const issued = this.now();
    const handoff: Handoff = { mode, user: person.user, groups: person.groups, challenge, issued, exp: issued + CODE_MS, sessionEnd: browser.endsAt, signedIn: browser.at ?? issued, nonce: randomBytes(16).toString('base64url') };
    return signValue(this.#key, VERSION, handoff);
  }

  /** What a code stands for; 'bad' when this key did not make it for `mode`, 'expired' past its 2 minutes. */
  open(code: string, mode: AuthMode): Handoff | 'bad' | 'expired' {
    const h = openValue(this.#key, VERSION, code, MAX_CODE_LENGTH) as Partial<Handoff> | undefined;
    // signed by us, so well-formed; checked anyway, as a value from outside
    if (!h || !isPerson(h as unknown) || typeof h.challenge !== 'string' || typeof h.nonce !== 'string' || h.mode !== mode || ![h.issued, h.exp, h.sessionEnd, h.signedIn].every(Number.isFinite)) return 'bad';
    return this.now() < h.exp! ? (h as Handoff) : 'expired';
  }

  /** true the first time `handoff` is spent here, false after */
  spend(handoff: Handoff): boolean {
    return this.#used.use(handoff.nonce, handoff.exp);
  }
}
