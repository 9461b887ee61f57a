// The supervisor's limits per person (docs/team-mode.md, "Limits"): how many terminals one person
// may run at once (team modes), and how many ended ones they keep (every mode; local mode's one
// person owns the terminals without an owner). Decided from the supervisor's own context alone,
// so a replay of the log's inputs decides the same.
import type { Person } from '../domain/person.ts';
import type { Fact } from './facts.ts';

export interface PersonLimits {
  /** team modes: terminals one person may run at once; absent: none of their own (local mode) */
  maxLiveSessionsPerPerson?: number;
  /** ended terminals one person keeps, at least 1: past it their oldest-ended are closed; absent: all */
  maxEndedPerPerson?: number;
}

/** A supervisor's session; its place in the record says when it ended, among the ended ones (endedLast). */
export interface OwnedSession {
  /** true while its exec runs (connecting, live or idle) */
  live: boolean;
  /** its person's user name; absent: local mode's one person (or a session a build before this logged) */
  owner?: string;
}

/** A session's owner as its entry keeps it: a team mode's user name; none in local mode, as before there were limits per person. */
export const owned = (person: Person | undefined): Pick<OwnedSession, 'owner'> => (person ? { owner: person.user } : {});

/** How many of `owner`'s terminals run. */
export function liveOf(sessions: Record<string, OwnedSession>, owner: string | undefined): number {
  let live = 0;
  for (const session of Object.values(sessions)) if (session.live && session.owner === owner) live++;
  return live;
}

/** Whether `owner` may start `more` terminals now; local mode (no owner) has no cap of its own. */
export function personHasRoom(limits: PersonLimits, sessions: Record<string, OwnedSession>, owner: string | undefined, more: number): boolean {
  const cap = limits.maxLiveSessionsPerPerson;
  return cap === undefined || owner === undefined || liveOf(sessions, owner) + more <= cap;
}

/** The sentence of an exec or restart refused at the person's cap (an HTTP 429). */
export function personCapSentence(limits: PersonLimits, sessions: Record<string, OwnedSession>, owner: string): string {
  const live = liveOf(sessions, owner);
  return `You have ${live} terminals running, and one person may run at most ${limits.maxLiveSessionsPerPerson} at once on this server. Close or end one of yours (an ended terminal does not count), then try again.`;
}

/**
 * A session of `sessions` ended now: returns it moved last, so that the record's order among the
 * ended ones is the order they ended (a snapshot keeps it; an older one's follows the spawns).
 */
export function endedLast<S extends OwnedSession>(sessions: Record<string, S>, sessionId: string): Record<string, S> {
  const { [sessionId]: session, ...rest } = sessions;
  return { ...rest, [sessionId]: { ...session!, live: false } } as Record<string, S>;
}

/** What closing a terminal needs of the supervisor's enqueuer. */
interface Closer {
  emit(fact: Fact): void;
  stopChild(id: string): void;
}

/** Close an ended terminal for being past the cap: logged with why, so the page and a replay know. */
function closeTooMany(enqueue: Closer, sessionId: string, kept: number): void {
  enqueue.emit({ type: 'session.closed', sessionId, because: 'tooManyEnded', kept });
  enqueue.stopChild(sessionId);
}

/**
 * A close past the cap replayed (CLOSE with `because`): the log closed it for the cap then in force,
 * so the replay does too, whatever the cap is now (one raised since closes the same; its own close,
 * already derived, leaves nothing to do). Returns the sessions without it, undefined when nothing changed.
 */
export function closeAsLogged<S extends OwnedSession>(enqueue: Closer, sessions: Record<string, S>, sessionId: string, kept: number): Record<string, S> | undefined {
  if (!sessions[sessionId] || sessions[sessionId].live) return undefined;
  closeTooMany(enqueue, sessionId, kept);
  const { [sessionId]: _closed, ...rest } = sessions;
  return rest;
}

/**
 * `owner` has one more ended terminal: close their oldest-ended past --max-ended-per-person, oldest
 * first. Returns the sessions without them. Running terminals are never touched.
 */
export function closeOldestEnded<S extends OwnedSession>(enqueue: Closer, limits: PersonLimits, sessions: Record<string, S>, owner: string | undefined): Record<string, S> {
  const cap = limits.maxEndedPerPerson;
  if (cap === undefined) return sessions;
  const ended = Object.keys(sessions).filter((id) => !sessions[id].live && sessions[id].owner === owner);
  if (ended.length <= cap) return sessions;
  const kept = { ...sessions };
  for (const id of ended.slice(0, ended.length - cap)) {
    closeTooMany(enqueue, id, cap);
    delete kept[id];
  }
  return kept;
}
