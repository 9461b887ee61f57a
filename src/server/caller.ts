// Who is calling, as every route and the socket see it once the front door let them in. In local
// mode there is one person (whoever holds the printed URL's token), who owns everything; in a team
// mode each person owns what they started, and members of an --admin-group watch the rest.
import type { Person } from '../domain/person.ts';
import type { AuthMode, SignedIn } from '../protocol/index.ts';

export interface Caller {
  mode: AuthMode;
  /** the signed-in person; absent in local mode */
  person?: Person;
  /** may see (never type into) what others own, and read the whole audit trail and the log */
  admin: boolean;
  /** where the page signs out (POST); null when the mode has no sign-out of its own */
  signOut: string | null;
  /** the replica that vouched for this caller: what it sends is answered here, never sent on again */
  via?: string;
  /**
   * local mode: a browser let in by a share link's cookie, and for nothing but that share's
   * terminal (src/server/shares/): it owns nothing, sees nothing else, and calls no API but the
   * shared view's
   */
  share?: { shareId: string };
  /**
   * the sign-in session this caller comes from (kube-token, oidc; absent in local and proxy mode):
   * the SHA-256 of its id, as its sign-out is kept (auth/revocations.ts), and its end. A share made
   * in it lasts no longer, and ends when it does (shares/share-sign-ins.ts): a participant types
   * as the owner, so never past the owner's own sign-in.
   */
  signIn?: SignIn;
  /**
   * how long a socket it opens holds it to be this person with these rights: then it is closed, and
   * the page, connecting again, is asked who it is again. For a mode whose word no session ends
   * (proxy: each request carries it); absent: the socket keeps it until it closes or its session ends.
   */
  socketLifetimeMs?: number;
}

export interface SignIn {
  idHash: string;
  endsAt: number;
  /** when it was made (absent in a caller another replica vouches for): the command line's sign-in allowed through it counts as made then too (command-line-handoff.ts) */
  at?: number;
}

export const LOCAL_CALLER: Caller = { mode: 'local', admin: true, signOut: null };

/** What GET /info tells the page about the caller. */
export function signedIn(caller: Caller): SignedIn | null {
  if (caller.mode === 'local' || !caller.person) return null;
  return { mode: caller.mode, user: caller.person.user, groups: caller.person.groups, admin: caller.admin, signOut: caller.signOut };
}

/** Whether the caller may act on something started for `owner` (undefined: started in local mode). */
export function owns(caller: Caller, owner: Person | undefined): boolean {
  if (caller.share) return false;
  if (!caller.person) return true;
  return owner !== undefined && owner.user === caller.person.user;
}

/** The same user with the same groups (in any order): what a terminal runs as must be what its owner is now. */
export function samePerson(a: Person, b: Person): boolean {
  const groups = (person: Person) => [...new Set(person.groups)].sort().join('\n');
  return a.user === b.user && groups(a) === groups(b);
}

/** Whether the caller may see it: their own, or anything for an admin. */
export function sees(caller: Caller, owner: Person | undefined): boolean {
  return caller.admin || owns(caller, owner);
}
