// The HTTP side of sharing (docs/api.md, "Sharing a terminal"): the owner makes, lists and
// revokes a terminal's shares and changes or removes who joined; the shared page asks what it
// shows. Only a terminal's owner manages its shares (an admin watches others' terminals, and
// sharing them is not theirs to decide); anyone else is told there is no such terminal.
import { LINK_HOLDER, SHARE_DEFAULT_MS, SHARE_MAX_MS, SHARE_ROLES, type ShareRole } from '../../domain/share.ts';
import { watcherOf, type ShareRow } from '../../events/projections/shares.ts';
import type { ExecSystem } from '../../runtime/exec-system.ts';
import { isEnded, isId, type SessionRow, type ShareCreated, type SharedReply, type SharesReply, type ShareView } from '../../protocol/index.ts';
import { isTransfer } from '../../domain/exec-action.ts';
import { owns, type Caller } from '../caller.ts';
import { HttpError } from '../replies.ts';
import { MAX_NAME_LENGTH, nameProblem } from '../auth/person-names.ts';
import { shareGrant, shareEndMessages } from './share-grant.ts';
import { sharedBy, sharedRow } from './shared-row.ts';
import { newShareId, newShareSecret, secretHash } from './share-secrets.ts';

/** people and groups one share may name */
const MAX_NAMES = 50;
/** live and ended shares one terminal may have (a revoked one counts until the terminal closes) */
export const MAX_SHARES_PER_TERMINAL = 20;
/** a change this replica could not log (it lost its lease to another, or the log is failing) */
const NOT_WRITTEN = 'The change could not be written to the event log yet: try again in a moment.';

interface Sharing {
  system: ExecSystem;
  caller: Caller;
}

/** The terminal, when the caller owns it: 404 for anyone else (never confirm another person's id). */
function ownedTerminal({ system, caller }: Sharing, sessionId: string): SessionRow {
  const row = isId(sessionId) ? system.sessionList.byId[sessionId] : undefined;
  if (!row || !owns(caller, row.person)) throw new HttpError(404, `There is no terminal "${sessionId.slice(0, 64)}" of yours to share (only a terminal's owner shares it).`);
  return row;
}

function ownedShare(ctx: Sharing, sessionId: string, shareId: string): ShareRow {
  ownedTerminal(ctx, sessionId);
  const share = isId(shareId) ? ctx.system.shares.byId[shareId] : undefined;
  if (!share || share.sessionId !== sessionId) throw new HttpError(404, `Terminal ${sessionId} has no share "${shareId.slice(0, 64)}".`);
  return share;
}

export function shareView(row: ShareRow, now: number): ShareView {
  return {
    shareId: row.shareId,
    sessionId: row.sessionId,
    role: row.role,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    ...(row.untilSignInEnds ? { untilSignInEnds: true as const } : {}),
    ...(row.users ? { users: row.users } : {}),
    ...(row.groups ? { groups: row.groups } : {}),
    status: row.revokedAt !== undefined ? 'revoked' : now >= row.expiresAt ? 'expired' : 'live',
    ...(row.revokedAt !== undefined && row.revokedBecause ? { revokedBecause: row.revokedBecause } : {}),
    ...(row.secretHash !== undefined ? { used: row.cookieHash !== undefined } : {}),
    watchers: Object.entries(row.watchers).map(([who, w]) => ({ who, role: w.role, joinedAt: w.joinedAt, watching: w.watching, ...(w.removed ? { removed: true } : {}), ...(w.typedAt !== undefined ? { typedAt: w.typedAt } : {}) })),
  };
}

function role(value: unknown): ShareRole {
  if (!SHARE_ROLES.includes(value as ShareRole)) throw new HttpError(400, `role must be "viewer" (watches) or "participant" (types too).`);
  return value as ShareRole;
}

/** Sign-in names, checked as a sign-in checks them (person-names.ts): a share names people by them. */
function names(field: string, value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length > MAX_NAMES) throw new HttpError(400, `${field} must be a list of at most ${MAX_NAMES} names.`);
  const trimmed = value.map((name: unknown) => (typeof name === 'string' ? name.trim() : name));
  for (const [i, name] of trimmed.entries()) {
    const problem = typeof name === 'string' ? nameProblem(name) : 'is not a string';
    if (problem) throw new HttpError(400, `${field}[${i}] ${problem}: names are sign-in names, at most ${MAX_NAME_LENGTH} characters.`);
  }
  const unique = [...new Set(trimmed as string[])];
  return unique.length ? unique : undefined;
}

/** POST /sessions/ID/shares */
export async function createShare(ctx: Sharing, sessionId: string, body: unknown): Promise<ShareCreated> {
  const row = ownedTerminal(ctx, sessionId);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new HttpError(400, 'The body must be {"role": "viewer"|"participant", "expiresIn"?: seconds, "users"?: [...], "groups"?: [...]}.');
  const { role: asked, expiresIn, users: u, groups: g, ...rest } = body as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length) throw new HttpError(400, `Unknown field "${unknown[0].slice(0, 40)}": a share takes role, expiresIn, users and groups.`);
  const shareRole = role(asked);
  if (expiresIn !== undefined && !(Number.isInteger(expiresIn) && (expiresIn as number) >= 60 && (expiresIn as number) * 1000 <= SHARE_MAX_MS)) {
    throw new HttpError(400, `expiresIn is in seconds, from 60 to ${SHARE_MAX_MS / 1000} (a day); default ${SHARE_DEFAULT_MS / 1000}.`);
  }
  const users = names('users', u);
  const groups = names('groups', g);
  const team = ctx.caller.person !== undefined;
  if (team && !users && !groups) throw new HttpError(400, 'Name who may use the link: "users" (their sign-in names), "groups", or both. A link works only for signed-in people you picked.');
  if (!team && (users || groups)) throw new HttpError(400, 'Local mode has no signed-in people: the link itself is the key (it works in one browser). Leave out users and groups.');
  if (!row.interactive || isTransfer(row.mode)) throw new HttpError(409, `Session ${sessionId} is not a terminal: only a terminal (a TTY) can be shared.`);
  if (isEnded(row.state)) throw new HttpError(409, `Terminal ${sessionId} has ended: restart it, then share it.`);
  if ((ctx.system.shares.bySession[sessionId]?.length ?? 0) >= MAX_SHARES_PER_TERMINAL) throw new HttpError(429, `Terminal ${sessionId} has ${MAX_SHARES_PER_TERMINAL} shares already: close it and open a new terminal to share it again.`);
  const now = Date.now();
  const shareId = newShareId();
  const secret = team ? undefined : newShareSecret();
  const wanted = now + (expiresIn === undefined ? SHARE_DEFAULT_MS : (expiresIn as number) * 1000);
  // A participant types as the owner: never past the owner's own sign-in (and it ends with it, share-sign-ins.ts).
  const { signIn } = ctx.caller;
  const cut = signIn !== undefined && signIn.endsAt < wanted;
  ctx.system.share({
    type: 'share.created',
    shareId,
    sessionId,
    role: shareRole,
    expiresAt: cut ? signIn.endsAt : wanted,
    ...(ctx.caller.person ? { by: ctx.caller.person.user } : {}),
    ...(users ? { users } : {}),
    ...(groups ? { groups } : {}),
    ...(secret ? { secretHash: secretHash(secret) } : {}),
    ...(signIn ? { signIn: signIn.idHash } : {}),
    ...(cut ? { untilSignInEnds: true as const } : {}),
  });
  await ctx.system.settled().catch(() => undefined);
  const created = ctx.system.shares.byId[shareId];
  if (!created) throw new HttpError(503, NOT_WRITTEN);
  // A local link's secret is in the fragment: a browser never sends it, so it is in no server's or
  // proxy's log. A team link has no secret, and its id in the query survives the sign-in's redirects.
  const link = secret ? `/share#id=${shareId}&s=${secret}` : `/share?id=${shareId}`;
  return { share: shareView(created, Date.now()), link };
}

/** GET /sessions/ID/shares */
export function listShares(ctx: Sharing, sessionId: string): SharesReply {
  ownedTerminal(ctx, sessionId);
  const now = Date.now();
  return { shares: (ctx.system.shares.bySession[sessionId] ?? []).map((id) => shareView(ctx.system.shares.byId[id], now)) };
}

/** DELETE /sessions/ID/shares/SHAREID: whoever watches through it is cut off at once. */
export async function revokeShare(ctx: Sharing, sessionId: string, shareId: string): Promise<{ share: ShareView }> {
  const share = ownedShare(ctx, sessionId, shareId);
  if (share.revokedAt === undefined) ctx.system.share({ type: 'share.revoked', shareId, sessionId });
  await ctx.system.settled().catch(() => undefined);
  if (ctx.system.shares.byId[shareId] && ctx.system.shares.byId[shareId].revokedAt === undefined) throw new HttpError(503, NOT_WRITTEN);
  return { share: shareView(ctx.system.shares.byId[shareId] ?? share, Date.now()) };
}

/** POST /sessions/ID/shares/SHAREID/watchers {who, role | remove}: takes effect at once on their sockets. */
export async function changeWatcher(ctx: Sharing, sessionId: string, shareId: string, body: unknown): Promise<{ share: ShareView }> {
  const share = ownedShare(ctx, sessionId, shareId);
  const { who, role: asked, remove } = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const watcher = typeof who === 'string' ? watcherOf(share, who) : undefined;
  if (typeof who !== 'string' || !watcher) throw new HttpError(400, `"who" must name someone who joined this share (${Object.keys(share.watchers).length ? Object.keys(share.watchers).map((w) => `"${w}"`).join(', ') : 'nobody has yet'}).`);
  if ((remove === undefined) === (asked === undefined) || (remove !== undefined && remove !== true)) throw new HttpError(400, 'Send either {"who", "role": "viewer"|"participant"} or {"who", "remove": true}.');
  if (remove) {
    if (!watcher.removed) ctx.system.share({ type: 'share.removed', shareId, sessionId, who });
  } else {
    const next = role(asked);
    if (watcher.role !== next) ctx.system.share({ type: 'share.roleChanged', shareId, sessionId, who, role: next });
  }
  await ctx.system.settled().catch(() => undefined);
  const now = ctx.system.shares.byId[shareId];
  const after = now && watcherOf(now, who);
  if (after && (remove ? !after.removed : after.role !== asked)) throw new HttpError(503, NOT_WRITTEN);
  return { share: shareView(now ?? share, Date.now()) };
}

/** GET /shared[?id=SHAREID]: what the shared page shows; a link's browser asks about its own share, a person names one. */
export function sharedView(ctx: Sharing, url: URL): SharedReply {
  const id = ctx.caller.share?.shareId ?? url.searchParams.get('id');
  const row = isId(id) ? ctx.system.shares.byId[id] : undefined;
  const missing = 'There is no such shared terminal (the link is wrong, or its terminal was closed): ask the owner for a new link.';
  if (!row) throw new HttpError(404, missing);
  // the owner opening their own link sees it as they would any of their terminals: in a team mode
  // a share names others, and "not for you" would be wrong of the one person it is always for
  const owner = owns(ctx.caller, ctx.system.sessionList.byId[row.sessionId]?.person);
  const grant = owner ? undefined : shareGrant(ctx.system.shares, ctx.caller, row.sessionId, Date.now());
  if (!grant && !owner) throw new HttpError(404, missing);
  if (grant && 'refused' in grant) throw new HttpError(grant.refused === 'notYours' ? 403 : 410, shareEndMessages[grant.refused]);
  const session = ctx.system.sessionList.byId[row.sessionId];
  if (!session) throw new HttpError(404, missing);
  const who = grant?.who ?? LINK_HOLDER;
  // the owner opening their own link is shown their row whole, as on their other pages
  return { shareId: row.shareId, sessionId: row.sessionId, role: grant?.role ?? watcherOf(row, who)?.role ?? row.role, expiresAt: row.expiresAt, sharedBy: sharedBy(session), session: owner ? session : sharedRow(session) };
}
