// Every HTTP request and socket upgrade, checked in this order before any work: the probes (no
// Host check, no credentials: health.ts), Host (DNS rebinding), Origin, the sign-in mode's own
// routes, then who is calling (the Authenticator of the mode the server runs in, and no other),
// and for the team modes the CSRF checks of same-origin.ts. Then the API, the page or the hub.
import type { DebugCopies } from './debug-copies.ts';
import type { PodChanges } from '../adapters/pod-changes.ts';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ClusterView } from '../adapters/cluster.ts';
import { ClusterError } from '../adapters/cluster.ts';
import type { ExecSystem } from '../runtime/exec-system.ts';
import type { ServerInfo } from '../protocol/index.ts';
import type { Authenticator, Refusal } from './auth/authenticator.ts';
import { crossSiteProblem } from './auth/same-origin.ts';
import { answerProbe, isProbe, type Readiness } from './health.ts';
import { handleApi } from './http-api.ts';
import { HttpError, refuseUpgrade, sendError } from './replies.ts';
import { authMessages, credentialInQuery, securityHeaders, type FrontDoor } from './security.ts';
import { isAppPage, type StaticUi } from './static-ui.ts';
import type { StreamHub } from './stream-hub.ts';
import type { Caller } from './caller.ts';
import { REPLICA_HEADER } from './replicas/replica-auth.ts';
import type { ReplicaPeers } from './replicas/replica-peers.ts';

import { SOCKET_PATH } from './socket-path.ts';
import type { Recorder } from '../recording/recorder.ts';

export { SOCKET_PATH } from './socket-path.ts';

/** The server's parts, once the event log is open and the system restored. */
export interface ServerParts {
  system: ExecSystem;
  reader: ClusterView;
  /** debug copies are made with these */
  pods: PodChanges;
  /** the debug copies deleted, for a Restart of their terminals */
  copies: Pick<DebugCopies, 'restartRefusal'>;
  /** records terminal runs, as --record says */
  recorder: Recorder;
  hub: StreamHub;
  ui: StaticUi;
  info: Omit<ServerInfo, 'signedIn'>;
  door: FrontDoor;
  auth: Authenticator;
  /** the other replicas, when several share the log */
  peers?: ReplicaPeers;
  warn(message: string): void;
}

/**
 * A call another replica sent on for its caller, when it carries that replica's voucher: the
 * caller it names; a refusal when the voucher is not good (forged, expired, for another path);
 * undefined when the request is not from a replica.
 */
function vouchedCaller(parts: ServerParts, req: IncomingMessage, path: string): { caller: Caller; via: string } | { refused: Refusal } | undefined {
  const header = req.headers[REPLICA_HEADER];
  if (header === undefined) return undefined;
  const vouched = parts.peers?.auth.check(header, req.method ?? 'GET', path);
  if (!vouched) return { refused: { status: 401, message: 'The replica voucher is not valid here (another key, expired, for another replica or another request; during a rollout, from an older build).' } };
  return { caller: vouched.caller, via: vouched.from };
}

/** What the listener knows from its first moment: whether the server is ready, and its parts once they are. */
export interface Gate {
  readiness: Readiness;
  parts?: ServerParts;
}

const STARTING = 'octant-exec is starting: try again in a moment.';

/** Whether the path as sent (before the query) has a `.` or `..` segment, plain or percent-encoded. */
function hasDotSegment(target: string): boolean {
  const path = target.split(/[?#]/, 1)[0];
  return path.split('/').some((segment) => /^(\.|%2e){1,2}$/i.test(segment));
}

export async function handleRequest(gate: Gate, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let url: URL | undefined;
  try {
    url = new URL(req.url ?? '/', 'http://127.0.0.1');
  } catch {
    // answered below, once the Host is known to be ours
  }
  const parts = gate.parts;
  for (const [name, value] of Object.entries(securityHeaders(url?.pathname ?? '/', parts?.door.embedOrigins ?? []))) res.setHeader(name, value as string);
  if (url && isProbe(url.pathname)) return answerProbe(req, res, url.pathname, gate.readiness);
  if (!parts) return sendError(res, 503, STARTING);
  const { door, auth } = parts;
  // DNS rebinding: a foreign Host never reaches anything, the page included, nor learns what this server refuses.
  if (!door.hostAllowed(req.headers.host)) return sendError(res, 403, door.hostRefusal);
  if (!url) return sendError(res, 400, 'The request path is not valid.');
  // `/a/../b` would be read as `/b` (URL resolves it): a proxy in front that allows paths by their
  // prefix would let through what it meant to keep out
  if (hasDotSegment(req.url ?? '/')) return sendError(res, 400, 'The path has a "." or ".." segment: give it without them.');
  // `path=/a&path=/b`: which one is meant cannot be known, and taking the first would act on a guess
  const twice = repeatedName(url.searchParams);
  if (twice !== undefined) return sendError(res, 400, `The query gives ${JSON.stringify(twice.slice(0, 60))} more than once: give it once.`);
  try {
    const api = url.pathname === '/api' || url.pathname.startsWith('/api/');
    // A page elsewhere may not drive the API even when the browser would send the cookie.
    if (api && req.headers.origin !== undefined && !door.originAllowed(req.headers.origin)) throw new HttpError(403, 'Requests from this Origin are not allowed.');
    if (await auth.route(req, res, url)) return;
    if (api) {
      if (auth.mode !== 'local' && credentialInQuery(url)) throw new HttpError(400, authMessages.tokenInQuery);
      const fromReplica = vouchedCaller(parts, req, url.pathname);
      if (fromReplica && 'refused' in fromReplica) return refuse(res, fromReplica.refused);
      if (fromReplica) return await handleApi(parts, fromReplica.caller, req, res, url.pathname.slice('/api/v1'.length), url, fromReplica.via);
      const verdict = auth.identify(req);
      if ('refused' in verdict) return refuse(res, verdict.refused);
      const crossSite = auth.mode === 'local' ? undefined : crossSiteProblem(req, door);
      if (crossSite) throw new HttpError(403, crossSite);
      if (!url.pathname.startsWith('/api/v1/')) throw new HttpError(404, `No API at ${url.pathname.slice(0, 200)}: see docs/api.md.`);
      return await handleApi(parts, verdict.caller, req, res, url.pathname.slice('/api/v1'.length), url);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      if (!parts.ui.has(url.pathname)) throw new HttpError(404, 'Not found.');
      res.setHeader('Allow', 'GET, HEAD');
      throw new HttpError(405, 'Only GET and HEAD are allowed here.');
    }
    // A browser opening the app without a session goes to the sign-in page first, and comes back here.
    if (auth.signInPage && isAppPage(url.pathname) && 'refused' in auth.identify(req)) {
      res.writeHead(303, { Location: `${auth.signInPage}?then=${encodeURIComponent(url.pathname + url.search)}`, 'Cache-Control': 'no-store', 'Content-Length': 0 });
      return void res.end();
    }
    if (!parts.ui.serve(req, res, url.pathname, {})) throw new HttpError(404, 'Not found.');
  } catch (error) {
    if (error instanceof HttpError || error instanceof ClusterError) return sendError(res, error.status, error.message);
    parts.warn(`internal error on ${req.method} ${url.pathname}: ${(error as Error)?.message ?? String(error)}`);
    sendError(res, 500, 'Internal error: the server log has a line about it.');
  }
}

export function handleUpgrade(gate: Gate, req: IncomingMessage, socket: Duplex, head: Buffer): void {
  socket.on('error', () => {}); // a client that vanishes mid-handshake is not our error
  const parts = gate.parts;
  if (!parts) return refuseUpgrade(socket, 503, STARTING);
  const { door, auth } = parts;
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://127.0.0.1');
  } catch {
    return refuseUpgrade(socket, 400, 'The request path is not valid.');
  }
  if (!door.hostAllowed(req.headers.host)) return refuseUpgrade(socket, 403, 'This Host is not allowed.');
  // Another replica's relay link is no page: it has no Origin, and its voucher says whom it is for.
  const fromReplica = vouchedCaller(parts, req, url.pathname);
  if (!fromReplica && !door.originAllowed(req.headers.origin)) return refuseUpgrade(socket, 403, 'Sockets are only accepted from the octant-exec page (or a configured --embed-origin): this Origin is not allowed.');
  if (url.pathname !== SOCKET_PATH) return refuseUpgrade(socket, 404, `The terminal socket is at ${SOCKET_PATH}.`);
  if (auth.mode !== 'local' && credentialInQuery(url)) return refuseUpgrade(socket, 400, authMessages.tokenInQuery);
  const verdict = fromReplica ?? auth.identify(req);
  if ('refused' in verdict) return refuseUpgrade(socket, verdict.refused.status, verdict.refused.message, verdict.refused.headers);
  parts.hub.handleUpgrade(req, socket, head, verdict.caller);
}

function repeatedName(query: URLSearchParams): string | undefined {
  const seen = new Set<string>();
  for (const name of query.keys()) {
    if (seen.has(name)) return name;
    seen.add(name);
  }
  return undefined;
}

function refuse(res: ServerResponse, refusal: Refusal): void {
  for (const [name, value] of Object.entries(refusal.headers ?? {})) res.setHeader(name, value);
  sendError(res, refusal.status, refusal.message);
}
