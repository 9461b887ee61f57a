// What a share lets a caller do, decided from the share list alone (so every replica decides the
// same): which terminal, as what role, and why not when it does not. The HTTP routes, the share
// cookie and the socket all ask here.
import { LINK_HOLDER, type ShareRole } from '../../domain/share.ts';
import { UNKEYABLE_NAME, watcherOf, type ShareRow, type Shares, type ShareWatcher } from '../../events/projections/shares.ts';
import type { Caller } from '../caller.ts';

export interface ShareGrant {
  shareId: string;
  sessionId: string;
  /** as the share list names them: the signed-in user, or LINK_HOLDER */
  who: string;
  role: ShareRole;
  expiresAt: number;
}

/** `signedOut`: revoked as the owner's sign-in that made it ended; `signInEnded`: expired at that sign-in's end, to which it was cut */
export type ShareEnd = 'expired' | 'revoked' | 'signedOut' | 'signInEnded' | 'removed' | 'notYours';

/** What the shared page and a cut-off socket say, for each way a share can stop letting someone in. */
export const shareEndMessages: Record<ShareEnd, string> = {
  expired: 'This share link has expired: ask the terminal\'s owner for a new one.',
  revoked: 'The owner revoked this share link: ask them for a new one if you still need it.',
  signedOut: 'The owner signed out, which ended this share: ask them to share the terminal again once they are back.',
  signInEnded: "The owner's sign-in ended, which ended this share: ask them to sign in again and share the terminal again.",
  removed: 'The owner removed you from this shared terminal.',
  notYours: 'This share link is not for you: the owner shared it with other people. Sign in as one of them, or ask the owner to add you.',
};

/** Who `caller` is in a share: a local link's one browser, or a signed-in user. */
export function shareWho(caller: Pick<Caller, 'share' | 'person'>): string | undefined {
  return caller.share ? LINK_HOLDER : caller.person?.user;
}

/**
 * Why `row` does not let `caller` in now, or undefined when it does. Whether they are a link's
 * browser is decided by how they got in (caller.share), never by a name: a person may sign in as
 * "link holder".
 */
export function shareEnd(row: ShareRow, caller: Pick<Caller, 'share' | 'person'>, now: number): ShareEnd | undefined {
  // someone the share is not for learns nothing more of it
  const who = shareWho(caller);
  if (who === undefined || !picked(row, caller, who)) return 'notYours';
  if (row.revokedAt !== undefined) return row.revokedBecause ?? 'revoked';
  if (now >= row.expiresAt) return row.untilSignInEnds ? 'signInEnded' : 'expired';
  if (watcherOf(row, who)?.removed) return 'removed';
  return undefined;
}

function picked(row: ShareRow, caller: Pick<Caller, 'share' | 'person'>, who: string): boolean {
  // a local link's browser is vouched for by its cookie, for its own share only (a local one)
  if (caller.share) return caller.share.shareId === row.shareId && row.secretHash !== undefined;
  // a person must be one the owner picked, by a name the share list can hold
  const { person } = caller;
  return person !== undefined && who !== UNKEYABLE_NAME && (row.users?.includes(person.user) === true || row.groups?.some((group) => person.groups.includes(group)) === true);
}

/** One of the owner's decisions about someone on a terminal (a removal, a role change), where it stands in the log. */
interface Decision {
  seq?: number;
  at: number;
}

/**
 * Where an entry stands: by its place in the log, which every replica reads alike (times are each
 * replica's own clock: a share made on one whose clock runs ahead could seem to come after a
 * removal it preceded); one without a place comes from a snapshot older than places were kept, so
 * it stands before every placed one, and among its kind by its time.
 */
const rank = (seq: number | undefined, at: number): [placed: number, value: number] => (seq === undefined ? [0, at] : [1, seq]);

/** `a` stands before `b` (or, `orSameTime`, at the same time: two places are never the same). */
function earlier([placedA, a]: [number, number], [placedB, b]: [number, number], orSameTime: boolean): boolean {
  if (placedA !== placedB) return placedA < placedB;
  return orSameTime ? a <= b : a < b;
}

/** Whether `row` was made before `decision` (a share made at a decision's very time, by times, counts as before it). */
function madeBefore(row: ShareRow, decision: Decision): boolean {
  return earlier(rank(row.createdSeq, row.createdAt), rank(decision.seq, decision.at), true);
}

/** The later of two decisions. */
function later<D extends Decision>(a: D | undefined, b: D): D {
  return !a || earlier(rank(a.seq, a.at), rank(b.seq, b.at), false) ? b : a;
}

/**
 * The owner's last word on `who`'s role in one share: the role change, placed in the log; or, a
 * viewer on a participant share with no change recorded, an older snapshot's demotion (or a join
 * capped by one), which stands before every placed decision: without a place it cannot outrank one.
 */
function roleDecision(row: ShareRow, watcher: ShareWatcher): (Decision & { role: ShareRole }) | undefined {
  if (watcher.roleChangedAt !== undefined) return { seq: watcher.roleChangedSeq, at: watcher.roleChangedAt, role: watcher.role };
  return watcher.role === 'viewer' && row.role === 'participant' ? { at: Infinity, role: 'viewer' } : undefined;
}

interface OwnerCaps {
  removal?: Decision;
  /** the owner's latest word on their role, when it is "viewer" */
  demotion?: Decision;
}

/**
 * What the owner decided for `who` on any share of the terminal, each kind by their latest word in
 * the log, as a removal is: a later "Let type" undoes a "Make viewer" on any share, expired or
 * revoked ones included (the owner's word on a person outlives the link it was given on, or a
 * removal would end with its share). A removal or a demotion holds on every share made until then,
 * and on a later one that picks them only by a group (a later share that names them is the owner
 * letting them back in, or letting them type again; a group share is not made for them).
 */
function ownerCaps(shares: Shares, sessionId: string, who: string): OwnerCaps {
  let removal: Decision | undefined;
  let roleChange: (Decision & { role: ShareRole }) | undefined;
  for (const id of shares.bySession[sessionId] ?? []) {
    const row = shares.byId[id];
    const watcher = row && watcherOf(row, who);
    if (!watcher) continue;
    // a removal from before removals were timed (an older snapshot) holds on every share
    if (watcher.removed) removal = later(removal, { seq: watcher.removedSeq, at: watcher.removedAt ?? Infinity });
    const decision = roleDecision(row, watcher);
    if (decision) roleChange = later(roleChange, decision);
  }
  return { ...(removal ? { removal } : {}), ...(roleChange?.role === 'viewer' ? { demotion: roleChange } : {}) };
}

/** Whether the owner's `decision` about `who` (a removal, a demotion) holds on `row`. */
function holdsOn(row: ShareRow, decision: Decision | undefined, who: string): boolean {
  return decision !== undefined && (madeBefore(row, decision) || row.users?.includes(who) !== true);
}

/**
 * The grant `caller` holds on `sessionId` through a share (its own share, for a link's browser;
 * the best of the terminal's shares that pick them, for a signed-in person), or why they hold none.
 */
export function shareGrant(shares: Shares, caller: Caller, sessionId: string, now: number): ShareGrant | { refused: ShareEnd } | undefined {
  const who = shareWho(caller);
  if (who === undefined) return undefined;
  const ids = caller.share ? [caller.share.shareId] : (shares.bySession[sessionId] ?? []);
  // a local link's browser is the one watcher of its own share: nothing on another share is about it
  const caps: OwnerCaps = caller.share ? {} : ownerCaps(shares, sessionId, who);
  let grant: ShareGrant | undefined;
  let refused: ShareEnd | undefined;
  for (const id of ids) {
    const row = shares.byId[id];
    if (!row || row.sessionId !== sessionId) continue;
    const end = shareEnd(row, caller, now) ?? (holdsOn(row, caps.removal, who) ? 'removed' : undefined);
    if (end) {
      // a share that picked them says more (it ended) than one that never did
      if (!refused || refused === 'notYours') refused = end;
      continue;
    }
    const role = holdsOn(row, caps.demotion, who) ? 'viewer' : (watcherOf(row, who)?.role ?? row.role);
    if (!grant || (grant.role === 'viewer' && role === 'participant')) grant = { shareId: id, sessionId, who, role, expiresAt: row.expiresAt };
  }
  return grant ?? (refused ? { refused } : undefined);
}
