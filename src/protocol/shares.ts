// Sharing a live terminal over HTTP (docs/api.md, "Sharing a terminal"): what the owner's Share
// dialog and the shared page send and get.
import type { ShareRevokedBecause, ShareRole } from '../domain/share.ts';
import type { SessionRow } from '../events/projections/session-list.ts';

export type { ShareRole } from '../domain/share.ts';
export { SHARE_ROLES } from '../domain/share.ts';

/** POST /api/v1/sessions/ID/shares */
export interface ShareRequest {
  role: ShareRole;
  /** seconds; default 3600, at most 86400, and never past the end of the sign-in that makes it (kube-token, oidc) */
  expiresIn?: number;
  /** team mode: the signed-in users and groups it lets in (one of them at least) */
  users?: string[];
  groups?: string[];
}

/** A share as its owner sees it: never its secret or any hash. */
export interface ShareView {
  shareId: string;
  sessionId: string;
  role: ShareRole;
  createdAt: number;
  expiresAt: number;
  /** `expiresAt` is the end of the sign-in that made it, sooner than asked: a share outlives no sign-in (kube-token, oidc) */
  untilSignInEnds?: true;
  users?: string[];
  groups?: string[];
  /** live, expired or revoked (now) */
  status: 'live' | 'expired' | 'revoked';
  /** revoked because the sign-in that made it ended (signed out): not by the owner's hand */
  revokedBecause?: ShareRevokedBecause;
  /** local mode: the link was opened (by its one browser) */
  used?: boolean;
  /** everyone who joined, watching now or not */
  watchers: { who: string; role: ShareRole; joinedAt: number; watching: boolean; removed?: boolean; typedAt?: number }[];
}

/** The answer to a new share: the link to hand over, shown once (in local mode it carries the secret, in its fragment). */
export interface ShareCreated {
  share: ShareView;
  link: string;
}

export interface SharesReply {
  shares: ShareView[];
}

/** POST /api/v1/sessions/ID/shares/SHAREID/watchers: make `who` a viewer or a participant, or remove them */
export interface WatcherChange {
  who: string;
  role?: ShareRole;
  remove?: true;
}

/** POST /api/v1/share-session: a local-mode link's secret, traded once for a cookie limited to its share */
export interface ShareSignIn {
  id: string;
  secret: string;
}

/** GET /api/v1/shared?id=SHAREID: what the shared page shows around the terminal */
export interface SharedReply {
  shareId: string;
  sessionId: string;
  /** the caller's role in it now */
  role: ShareRole;
  expiresAt: number;
  /** who shared it: the owner's user name, or "the local user" */
  sharedBy: string;
  session: SessionRow;
}
