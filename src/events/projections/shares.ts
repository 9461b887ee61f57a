// The share list: every share of a terminal not closed, as its owner's Share dialog lists it and
// as the server checks a link or a socket against it (src/server/shares/). Built from the log
// alone, so it is the same after a restart and on every replica; the secrets are not in it, only
// their hashes. A closed terminal's shares go with it; a share that expired or was revoked stays
// listed (as such) until then, so its owner sees what became of it.
import type { ShareFact, ShareRevokedBecause, ShareRole } from '../../domain/share.ts';
import type { LogEntry } from '../log-entry.ts';
import type { Projection } from '../projection.ts';

export interface ShareWatcher {
  /** their role now (the share's, unless the owner changed it) */
  role: ShareRole;
  /** when they first joined */
  joinedAt: number;
  /** a socket of theirs shows the terminal now */
  watching: boolean;
  /** removed by the owner: the share lets them in no more */
  removed?: true;
  /** when: the removal holds on every share of the terminal made until then, and on a later one that does not name them */
  removedAt?: number;
  /** its place in the log, which orders it against a share's making whatever the replicas' clocks say (absent in a snapshot from before it was kept) */
  removedSeq?: number;
  /** when the owner last changed their role here (the latest such change on any of the terminal's shares is the owner's word on them); absent in a snapshot from before it was kept */
  roleChangedAt?: number;
  /** its place in the log, which orders it against the others and a share's making (absent in a snapshot from before it was kept) */
  roleChangedSeq?: number;
  /** the last `share.typed` for them */
  typedAt?: number;
}

export interface ShareRow {
  shareId: string;
  sessionId: string;
  role: ShareRole;
  createdAt: number;
  /** its place in the log (absent in a snapshot from before it was kept) */
  createdSeq?: number;
  expiresAt: number;
  /** team mode: who made it */
  by?: string;
  /** team mode: the signed-in people and groups it lets in */
  users?: string[];
  groups?: string[];
  /** local mode: sha256 of the link's secret (hex) */
  secretHash?: string;
  /** local mode: sha256 of the cookie the link was traded for, once it was (the link is used up) */
  cookieHash?: string;
  /** made in a sign-in session: its id hashed, as its sign-out is kept; the share ends with it */
  signIn?: string;
  /** `expiresAt` was cut to the end of the sign-in session that made it */
  untilSignInEnds?: true;
  revokedAt?: number;
  /** why, when not by the owner's hand (the first revoke's reason: the one that ended it) */
  revokedBecause?: ShareRevokedBecause;
  /** by who: the signed-in user, or LINK_HOLDER for a local link's browser */
  watchers: Record<string, ShareWatcher>;
}

export interface Shares {
  byId: Record<string, ShareRow>;
  /** share ids of each terminal, oldest first */
  bySession: Record<string, string[]>;
}

/**
 * `who`'s entry in `share`, looked up as an own key only: a hostile `who` such as "__proto__" or
 * "constructor" names nobody, and is never read or written through Object.prototype.
 */
export function watcherOf(share: Pick<ShareRow, 'watchers'>, who: string): ShareWatcher | undefined {
  return Object.hasOwn(share.watchers, who) ? share.watchers[who] : undefined;
}

/** The one key an assignment cannot make an own key of (it sets the prototype): nobody by that name joins a list. */
export const UNKEYABLE_NAME = '__proto__';

/** A server restart or shutdown, or the replica that held the terminal lost, closed every socket on it: nobody watches any more. */
const SOCKETS_GONE = new Set(['serverShutdown', 'restarted', 'replicaLost']);

export const sharesProjection: Projection<Shares> = {
  initial: () => ({ byId: {}, bySession: {} }),
  apply(draft, entry) {
    if (entry.type === 'session.closed') {
      for (const id of draft.bySession[entry.sessionId] ?? []) delete draft.byId[id];
      delete draft.bySession[entry.sessionId];
      return;
    }
    if (entry.type === 'session.disconnected' && SOCKETS_GONE.has(entry.reason)) {
      for (const id of draft.bySession[entry.sessionId] ?? []) for (const watcher of Object.values(draft.byId[id].watchers)) watcher.watching = false;
      return;
    }
    if (!entry.type.startsWith('share.')) return;
    const fact = entry as ShareFact & Pick<LogEntry, 'seq' | 'time'>;
    if (fact.type === 'share.created') {
      const { type: _type, seq, time, ...created } = fact;
      draft.byId[fact.shareId] = { ...created, createdAt: time, createdSeq: seq, watchers: {} };
      (draft.bySession[fact.sessionId] ??= []).push(fact.shareId);
      return;
    }
    const share = draft.byId[fact.shareId];
    if (!share) return;
    switch (fact.type) {
      case 'share.revoked':
        // replicas may both log one: the first ended it, and says why
        if (share.revokedAt !== undefined) return;
        share.revokedAt = entry.time;
        if (fact.because !== undefined) share.revokedBecause = fact.because;
        return;
      case 'share.claimed':
        // the first claim wins: replicas sharing a log may both have logged one
        share.cookieHash ??= fact.cookieHash;
        return;
      case 'share.joined': {
        const watcher = watcherOf(share, fact.who);
        if (watcher) watcher.watching = true;
        else if (fact.who !== UNKEYABLE_NAME) share.watchers[fact.who] = { role: fact.role, joinedAt: entry.time, watching: true };
        return;
      }
      case 'share.left': {
        const watcher = watcherOf(share, fact.who);
        if (watcher) watcher.watching = false;
        return;
      }
      case 'share.roleChanged': {
        const watcher = watcherOf(share, fact.who);
        if (watcher) Object.assign(watcher, { role: fact.role, roleChangedAt: fact.time, roleChangedSeq: fact.seq });
        return;
      }
      case 'share.removed': {
        const watcher = watcherOf(share, fact.who);
        if (watcher) Object.assign(watcher, { removed: true, watching: false, removedAt: fact.time, removedSeq: fact.seq });
        return;
      }
      case 'share.typed': {
        const watcher = watcherOf(share, fact.who);
        if (watcher) watcher.typedAt = entry.time;
        return;
      }
    }
  },
};
