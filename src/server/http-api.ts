// The HTTP API under /api/v1 (docs/api.md): cluster views, exec actions and the projections of
// the event log. The caller (app.ts) has already checked Host and authentication; this file
// checks every input before any cluster call or actor event.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ExecAction } from '../domain/exec-action.ts';
import { shareRoutes } from './shares/share-api.ts';
import { execableContainers } from '../domain/pod.ts';
import { batchRoutes } from './batch-routes.ts';
import { adminRoutes } from './admin-routes.ts';
import { actingFor, holder, refuseWhileStoreIsDown, settled, type ApiCall, type ApiContext, type Route } from './api-call.ts';
import { readJson } from './read-json.ts';
import { checkName, parseExecBody } from './exec-body.ts';
import { modeAction } from './mode-actions.ts';
import { HttpError, sendJson } from './replies.ts';
import { owns, samePerson, sees, signedIn, type Caller } from './caller.ts';
import { visibleAlerts, visibleAudit, visibleSessions } from './visible.ts';
import { listFilter } from './list-filter.ts';
import type { FilesCall } from './files/files-call.ts';
import { upload } from './files/upload.ts';
import { sendRecording, setRecording } from './recording-routes.ts';
import { execRecording } from './exec-recording.ts';
import { download } from './files/download.ts';
import { sentByAnotherSite } from './auth/same-origin.ts';
import {
  isEnded,
  isId,
  isRunning,
  type ActorSnapshots,
  type AlertsReply,
  type AuditReply,
  type CloseEndedReply,
  type CloseReply,
  type ContextsReply,
  type EventsReply,
  type ExecStarted,
  type NamespacesReply,
  type PodReply,
  type PermissionsReply,
  type PodsReply,
  type RestartReply,
  type ServerInfo,
  type SessionRow,
  type SessionsReply,
} from '../protocol/index.ts';



const MAX_EVENTS_PAGE = 1000;

const segment = '([^/]+)';
const routes: Route[] = [
  { method: 'GET', pattern: /^\/info$/, handler: (ctx): ServerInfo => ({ ...ctx.info, signedIn: signedIn(ctx.caller) }) },
  { method: 'GET', pattern: /^\/contexts$/, handler: (ctx): ContextsReply => ({ contexts: ctx.reader.listContexts() }) },
  { method: 'GET', pattern: /^\/namespaces$/, handler: async (ctx, _req, url): Promise<NamespacesReply> => ({ namespaces: await ctx.reader.namespaces(contextParam(url)) }) },
  { method: 'GET', pattern: new RegExp(`^/namespaces/${segment}/pods$`), handler: async (ctx, _req, url, [ns]): Promise<PodsReply> => ({ pods: await ctx.reader.pods(ns, { context: contextParam(url) }) }) },
  { method: 'GET', pattern: new RegExp(`^/namespaces/${segment}/pods/${segment}$`), handler: async (ctx, _req, url, [ns, pod]): Promise<PodReply> => ({ pod: await ctx.reader.pod(ns, pod, contextParam(url)) }) },
  { method: 'GET', pattern: /^\/permissions$/, handler: (ctx, _req, url) => permissions(ctx, url) },
  { method: 'POST', pattern: /^\/exec$/, handler: (ctx, req) => createExec(ctx, req), status: 201 },
  ...batchRoutes(segment),
  { method: 'GET', pattern: /^\/sessions$/, handler: (ctx, _req, url) => sessions(ctx, url) },
  { method: 'POST', pattern: /^\/sessions\/close-ended$/, handler: (ctx) => closeAllEnded(ctx) },
  { method: 'POST', pattern: new RegExp(`^/sessions/${segment}/restart$`), handler: (ctx, _req, _url, [id]) => restart(ctx, id) },
  { method: 'POST', pattern: new RegExp(`^/sessions/${segment}/close$`), handler: (ctx, _req, _url, [id]) => close(ctx, id) },
  ...adminRoutes(segment),
  { method: 'POST', pattern: new RegExp(`^/sessions/${segment}/recording$`), handler: async (ctx, req, _url, [id]) => setRecording(ctx.recorder, heldHere(ctx, ownedSession(ctx, id, 'record')), await readJson(req)) },
  { method: 'GET', pattern: new RegExp(`^/sessions/${segment}/recording$`), handler: (ctx, req, url, [id], res) => sendRecording(ctx.system, ctx.recorder, ctx.caller, req, res, id, url, ctx.peers !== undefined), raw: true },
  { method: 'POST', pattern: /^\/files\/upload$/, handler: (ctx, req, url) => upload(filesCall(ctx, url), req, url), status: 201 },
  { method: 'GET', pattern: /^\/files\/download$/, handler: (ctx, req, url, _params, res) => download(filesCall(ctx, url), req, res, url), raw: true, runsOnGet: true },
  { method: 'HEAD', pattern: /^\/files\/download$/, handler: (ctx, req, url, _params, res) => download(filesCall(ctx, url), req, res, url, true), raw: true, runsOnGet: true },
  { method: 'GET', pattern: /^\/audit$/, handler: (ctx): AuditReply => ({ records: visibleAudit(ctx.system, ctx.caller) }) },
  { method: 'GET', pattern: /^\/alerts$/, handler: (ctx): AlertsReply => ({ alerts: visibleAlerts(ctx.system, ctx.caller) }) },
  { method: 'GET', pattern: /^\/events$/, handler: (ctx, _req, url) => events(adminOnly(ctx), url) },
  { method: 'GET', pattern: /^\/snapshots$/, handler: (ctx): ActorSnapshots => adminOnly(ctx).system.snapshots() },
  ...shareRoutes(segment),
];

/** Answers one API call; `path` is the part after /api/v1. */
export async function handleApi(ctx: ApiContext, caller: Caller, req: IncomingMessage, res: ServerResponse, path: string, url: URL, via?: string): Promise<void> {
  const matching = routes.filter((route) => route.pattern.test(path));
  if (matching.length === 0) throw new HttpError(404, `No API at ${url.pathname.slice(0, 200)}: see docs/api.md.`);
  const route = matching.find((r) => r.method === req.method);
  if (!route) {
    const allowed = matching.map((r) => r.method);
    res.setHeader('Allow', allowed.join(', ')); // a 405 must name them (RFC 9110 15.5.6), for clients that do not read the sentence
    throw new HttpError(405, `${req.method} is not allowed here; use ${allowed.join(' or ')}.`);
  }
  if (caller.share && !route.forShareLink) throw new HttpError(403, 'A share link opens its one terminal and nothing else: open octant-exec\'s own URL for the rest.');
  if (route.runsOnGet && sentByAnotherSite(req)) throw new HttpError(403, 'A page of another site made your browser ask for this, which runs tar in a container: download from the octant-exec page itself (or with octant-exec cp).');
  let params: string[];
  try {
    params = route.pattern.exec(path)!.slice(1).map(decodeURIComponent);
  } catch {
    throw new HttpError(400, 'The path is not valid percent-encoding.');
  }
  const reader = caller.person ? ctx.reader.as(caller.person) : ctx.reader;
  const answer = await route.handler({ ...ctx, reader, caller, path: `/api/v1${path}`, ...(via ? { via } : {}) }, req, url, params, res);
  if (!route.raw) sendJson(res, route.status ?? 200, answer);
}

function contextParam(url: URL): string | undefined {
  const context = url.searchParams.get('context');
  if (context === null) return undefined;
  if (context === '' || context.length > 253) throw new HttpError(400, 'context must be a context name from GET /api/v1/contexts.');
  return context;
}

/** What the page may offer in a namespace: local mode needs no question (one person, the kubeconfig's rights decide at exec). */
async function permissions(ctx: ApiCall, url: URL): Promise<PermissionsReply> {
  const namespace = url.searchParams.get('namespace');
  if (!namespace) throw new HttpError(400, 'Say which namespace: /api/v1/permissions?namespace=NAME[&context=CONTEXT].');
  checkName('namespace', namespace);
  const context = contextParam(url);
  if (!ctx.caller.person) return { namespace, exec: { allowed: true, reason: 'Local mode: execs use your kubeconfig, whose rights the cluster checks at each exec.' } };
  const exec = await ctx.reader.canI({ namespace, ...(context !== undefined ? { context } : {}), verb: 'create', resource: 'pods', subresource: 'exec' });
  return { namespace, exec };
}


async function createExec(ctx: ApiCall, req: IncomingMessage): Promise<ExecStarted> {
  const body = parseExecBody(await readJson(req), ctx.info.debugImages);
  if (body.record && ctx.recorder.policy.mode === 'off') throw new HttpError(400, 'This server records nothing (it was started with --record off): leave record out, or ask whoever runs it for --record opt-in.');
  refuseWhileStoreIsDown(ctx);
  let containers: string[];
  if (body.containers === 'all') {
    const pod = await ctx.reader.pod(body.namespace, body.pod, body.context);
    containers = execableContainers(pod);
    if (containers.length === 0) throw new HttpError(409, `No container of pod "${body.pod}" is running, so there is nothing to exec into: check the pod's state.`);
  } else {
    containers = body.containers;
  }
  const who = actingFor(ctx, body.context);
  const { pod, command, mode } = body.mode ? await modeAction({ ...body, mode: body.mode, containers }, ctx.reader, ctx.pods, who) : body;
  const action: ExecAction = {
    target: { ...(body.context ? { context: body.context } : {}), namespace: body.namespace, pod, containers: body.containers },
    command,
    interactive: body.interactive,
    ...(body.stdin ? { stdin: true as const } : {}),
    ...who,
    ...(body.idleTimeoutMs !== undefined ? { idleTimeoutMs: body.idleTimeoutMs } : {}),
    ...(mode ? { mode } : {}),
  };
  const result = ctx.system.exec(action, containers);
  if ('refused' in result) {
    if (mode?.kind === 'copy') await ctx.pods.deleteCopy({ ...(body.context ? { context: body.context } : {}), namespace: body.namespace, pod }, who.person).catch(() => undefined);
    throw new HttpError(429, result.refused);
  }
  // before any output: the streams opened already, but their first bytes come after this call
  if (body.record) for (const id of result.sessionIds) ctx.recorder.set(id, true);
  await settled(ctx);
  return { requestId: result.requestId, sessionIds: result.sessionIds, containers, ...execRecording(ctx.recorder.policy, body) };
}

/** A file transfer runs as the caller, like an exec (docs/api.md, "Files"). */
function filesCall(ctx: ApiCall, url: URL): FilesCall {
  refuseWhileStoreIsDown(ctx);
  return { system: ctx.system, reader: ctx.reader, who: actingFor(ctx, contextParam(url)) };
}


function sessions(ctx: ApiCall, url: URL): SessionsReply {
  const wanted = listFilter(url);
  return { sessions: visibleSessions(ctx.system, ctx.caller).filter((row) => wanted(row.person, isRunning(row.state))) };
}

/** A session the caller may act on: 404 for one they may not see (never confirm another person's id), 403 for one an admin only watches. */
function ownedSession(ctx: ApiCall, id: string, action: 'restart' | 'close' | 'record'): SessionRow {
  const row = isId(id) ? ctx.system.sessionList.byId[id] : undefined;
  if (!row || !sees(ctx.caller, row.person)) throw new HttpError(404, `There is no open session "${id.slice(0, 64)}" (closed sessions are gone).`);
  // A terminal from before team mode has no owner to close it: an admin may (not restart it: it would run as nobody's).
  if (action === 'close' && !row.person && ctx.caller.admin) return row;
  if (!owns(ctx.caller, row.person)) throw new HttpError(403, `Session ${id} belongs to ${row.person?.user ?? 'the local user (it is from before team mode)'}: you can watch it; only its owner can restart, close or record it.`);
  return row;
}

const listed = (groups: string[]) => (groups.length ? groups.map((g) => `"${g}"`).join(', ') : 'none');

/** The inspector's raw views show every person's terminals: in a team mode, for admins only. */
function adminOnly(ctx: ApiCall): ApiCall {
  if (ctx.caller.person && !ctx.caller.admin) throw new HttpError(403, 'The event log and the actors are shown to admins only (members of an --admin-group).');
  return ctx;
}

/** Recordings are made where a terminal's stream is: with replicas, on the one that holds it (not sent on yet: docs/recordings.md). */
function heldHere(ctx: ApiCall, row: SessionRow): SessionRow {
  if (ctx.peers && !ctx.system.holds(row.sessionId)) throw new HttpError(409, `Terminal ${row.sessionId} runs on replica ${row.replica ?? '(unknown)'}: its recording is turned on or off there, from a page served by that replica.`);
  return row;
}

async function restart(ctx: ApiCall, id: string): Promise<RestartReply> {
  const row = ownedSession(ctx, id, 'restart');
  refuseWhileStoreIsDown(ctx);
  // A restart runs as the terminal was started, groups included: someone whose groups changed since
  // (removed from one at the identity provider) must not get their old rights back with it.
  const { person } = ctx.caller;
  if (person && row.person && !samePerson(person, row.person)) {
    throw new HttpError(409, `This terminal was started when your groups were ${listed(row.person.groups)}; they are ${listed(person.groups)} now: open a new terminal, which runs with what you may do today.`);
  }
  const where = await holder(ctx, row);
  if (where !== 'here') return where.answer as RestartReply;
  const copyGone = ctx.copies.restartRefusal(id);
  if (copyGone) throw new HttpError(409, copyGone);
  const result = ctx.system.restart(id);
  if (!result) throw new HttpError(404, `There is no open session "${id}".`);
  if ('refused' in result) throw new HttpError(result.because === 'running' ? 409 : 429, result.refused);
  await settled(ctx);
  return { sessionId: id, run: result.run };
}

async function close(ctx: ApiCall, id: string): Promise<CloseReply> {
  const row = ownedSession(ctx, id, 'close');
  const where = await holder(ctx, row);
  if (where !== 'here') return where.answer as CloseReply;
  const closed = ctx.system.close(id);
  await settled(ctx);
  return { sessionId: id, closed };
}

/** In a team mode, the caller's own ended terminals only (an admin's too: watching is not owning); with replicas, each on its holder. */
async function closeAllEnded(ctx: ApiCall): Promise<CloseEndedReply> {
  if (!ctx.caller.person && !ctx.peers) return { closed: ctx.system.closeAllEnded() };
  const ended = visibleSessions(ctx.system, ctx.caller).filter((row) => isEnded(row.state) && owns(ctx.caller, row.person));
  const closed: string[] = [];
  for (const row of ended) {
    const one = await close({ ...ctx, path: `/api/v1/sessions/${encodeURIComponent(row.sessionId)}/close` }, row.sessionId).catch(() => undefined);
    if (one?.closed) closed.push(row.sessionId);
  }
  return { closed };
}

async function events(ctx: ApiCall, url: URL): Promise<EventsReply> {
  const number = (name: string, fallback: number) => {
    const text = url.searchParams.get(name);
    if (text === null) return fallback;
    if (!/^\d{1,12}$/.test(text)) throw new HttpError(400, `${name} must be a whole number.`);
    return Number(text);
  };
  const after = number('after', 0);
  const limit = number('limit', 200);
  // a page bigger than the bound is refused as a page of none is, not cut down unsaid
  if (limit === 0 || limit > MAX_EVENTS_PAGE) throw new HttpError(400, `limit must be from 1 to ${MAX_EVENTS_PAGE}.`);
  const entries = await ctx.system.readEntries(after, limit + 1);
  const page = entries.slice(0, limit);
  return { entries: page, next: entries.length > limit ? page.at(-1)!.seq : null };
}

