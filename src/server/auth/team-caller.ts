// A signed-in person as a Caller: admin when one of their groups is an --admin-group. Made once per
// sign-in (a session keeps its caller), so the sockets a session opened can be found by it.
import type { Person } from '../../domain/person.ts';
import type { AuthMode } from '../../protocol/index.ts';
import type { Caller } from '../caller.ts';

export function teamCaller(mode: Exclude<AuthMode, 'local'>, person: Person, adminGroups: ReadonlySet<string>, signOut: string | null): Caller {
  return { mode, person, admin: person.groups.some((group) => adminGroups.has(group)), signOut };
}

/** The server log's line for a sign-in that made a session: who, in which mode, from which peer; never the credential. */
export function signedInLine(caller: Caller, peer: string | undefined): string {
  return `${caller.mode} sign-in: ${JSON.stringify(caller.person?.user)} signed in from ${peer ?? 'an unknown peer'}`;
}
