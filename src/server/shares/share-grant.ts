// What a share lets a caller do, decided from the share list alone (so every replica decides the
// same): which terminal, as what role, and why not when it does not. The HTTP routes, the share
// cookie and the socket all ask here.
import { LINK_HOLDER, type ShareRole } from '../../domain/share.ts';
import type { ShareRow, Shares } from '../../events/projections/shares.ts';
import type { Caller } from '../caller.ts';

export interface ShareGrant {
  shareId: string;
  sessionId: string;
  /** as the share list names them: the signed-in user, or LINK_HOLDER */
  who: string;
  role: ShareRole;
  expiresAt: number;
}

export type ShareEnd = 'expired' | 'revoked' | 'removed' | 'notYours';

/** What the shared page and a cut-off socket say, for each way a share can stop letting someone in. */
export const shareEndMessages: Record<ShareEnd, string> = {
  expired: 'This share link has expired: ask the terminal\'s owner for a new one.',
  revoked: 'The owner revoked this share link: ask them for a new one if you still need it.',
  removed: 'The owner removed you from this shared terminal.',
  notYours: 'This share link is not for you: the owner shared it with other people. Sign in as one of them, or ask the owner to add you.',
};

/** Who `caller` is in a share: a local link's one browser, or a signed-in user. */
export function shareWho(caller: Caller): string | undefined {
  return caller.share ? LINK_HOLDER : caller.person?.user;
}

/** Why `row` does not let `who` in now, or undefined when it does. */
export function shareEnd(row: ShareRow, who: string, person: Caller['person'], now: number): ShareEnd | undefined {
  if (row.revokedAt !== undefined) return 'revoked';
  if (now >= row.expiresAt) return 'expired';
  if (row.watchers[who]?.removed) return 'removed';
  // a local link's browser is vouched for by its cookie; a person must be one the owner picked
  if (who !== LINK_HOLDER && !(person && (row.users?.includes(person.user) || row.groups?.some((group) => person.groups.includes(group))))) return 'notYours';
  return undefined;
}

/**
 * The grant `caller` holds on `sessionId` through a share (its own share, for a link's browser;
 * the best of the terminal's shares that pick them, for a signed-in person), or why they hold none.
 */
export function shareGrant(shares: Shares, caller: Caller, sessionId: string, now: number): ShareGrant | { refused: ShareEnd } | undefined {
  const who = shareWho(caller);
  if (who === undefined) return undefined;
  const ids = caller.share ? [caller.share.shareId] : (shares.bySession[sessionId] ?? []);
  let grant: ShareGrant | undefined;
  let refused: ShareEnd | undefined;
  for (const id of ids) {
    const row = shares.byId[id];
    if (!row || row.sessionId !== sessionId) continue;
    const end = shareEnd(row, who, caller.person, now);
    if (end) {
      // a share that picked them says more (it ended) than one that never did
      if (!refused || refused === 'notYours') refused = end;
      continue;
    }
    const role = row.watchers[who]?.role ?? row.role;
    if (!grant || (grant.role === 'viewer' && role === 'participant')) grant = { shareId: id, sessionId, who, role, expiresAt: row.expiresAt };
  }
  return grant ?? (refused ? { refused } : undefined);
}
