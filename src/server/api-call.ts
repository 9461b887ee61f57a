// What every route of the API table (http-api.ts) is given, and the checks several route files
// share. Apart from the table so a route file (batch-routes.ts) needs no import of the table that
// lists it: a cycle that loads only in the order the program happens to load it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DebugCopies } from './debug-copies.ts';
import type { Person } from '../domain/person.ts';
import type { ExecSystem } from '../runtime/exec-system.ts';
import type { ClusterView } from '../adapters/cluster.ts';
import type { PodChanges } from '../adapters/pod-changes.ts';
import type { ReplicaPeers } from './replicas/replica-peers.ts';
import type { Recorder } from '../recording/recorder.ts';
import type { ServerInfo, SessionRow } from '../protocol/index.ts';
import type { Caller } from './caller.ts';
import type { Authenticator } from './auth/authenticator.ts';
import { HttpError } from './replies.ts';
import { beingChecked, otherHolder } from './replicas/holder-unanswered.ts';

export interface ApiContext {
  system: ExecSystem;
  reader: ClusterView;
  /** what GET /api/v1/info tells the page, but for who is asking */
  info: Omit<ServerInfo, 'signedIn'>;
  /** the other replicas, when several share the log */
  peers?: ReplicaPeers;
  /** what debug copies are made with (mode copy) */
  pods: PodChanges;
  /** the debug copies this server deleted, for a Restart of their terminals */
  copies: Pick<DebugCopies, 'restartRefusal'>;
  /** records terminal runs, as --record says */
  recorder: Recorder;
  /** an admin signs a person out everywhere (admin-routes.ts) */
  auth: Pick<Authenticator, 'signOutPerson'>;
  /** the server's log */
  warn(message: string): void;
}

/** One call: the server's parts and who makes it; in a team mode its `reader` reads as the caller (impersonated). */
export interface ApiCall extends ApiContext {
  caller: Caller;
  /** the replica that sent this call on (it is answered here, never sent on again) */
  via?: string;
  /** the path after /api/v1, to send a call on to the replica that holds a terminal */
  path: string;
}

export type Handler = (ctx: ApiCall, req: IncomingMessage, url: URL, params: string[], res: ServerResponse) => Promise<unknown> | unknown;

export interface Route {
  method: 'GET' | 'HEAD' | 'POST' | 'DELETE';
  pattern: RegExp;
  handler: Handler;
  /** the status of a success; default 200 */
  status?: number;
  /** the handler writes the answer itself (a download's bytes) */
  raw?: boolean;
  /** a share link's browser may call it (the shared page's own calls); no other route is theirs */
  forShareLink?: boolean;
  /** a GET that runs something in a container: a browser may send it from octant-exec's own page only */
  runsOnGet?: boolean;
}

/** Who an action is for: the signed-in person in a team mode (the cluster calls impersonate them), else the context's user. */
export function actingFor(ctx: ApiCall, context: string | undefined): { requestedBy: string; person?: Person } {
  let contextUser: string;
  try {
    contextUser = ctx.reader.userOf(context); // also: the context exists
  } catch (error) {
    throw new HttpError(404, (error as Error).message);
  }
  const { person } = ctx.caller;
  return person ? { requestedBy: person.user, person } : { requestedBy: contextUser };
}

/** No new terminal while the shared log's database does not answer (503, with why). */
export function refuseWhileStoreIsDown(ctx: ApiCall): void {
  const refusal = ctx.system.shared?.refusesExecs;
  if (refusal) throw new HttpError(503, refusal);
}

/** What a command caused is in the lists before the answer goes (a shared log writes asynchronously); a slow log only delays it. */
export async function settled(ctx: ApiCall): Promise<void> {
  await ctx.system.settled().catch(() => undefined);
}

/**
 * Where a command about a terminal is carried out. Here, when this process holds it (always, with
 * one process). Another replica's: that replica answers, and its answer is this one's. A lost
 * replica's, ended: this replica takes it over and carries it out.
 */
export async function holder(ctx: ApiCall, row: SessionRow): Promise<{ answer: unknown } | 'here'> {
  const { peers, system } = ctx;
  if (!peers || system.holds(row.sessionId) || !row.replica || ctx.via) return 'here';
  // The log may say the holder was lost before this replica's watch has seen it go: take it over
  // then (the store refuses if its holder is live after all, say one that adopted it since).
  if (row.disconnectReason === 'replicaLost' && (await system.adopt(row.sessionId))) return 'here';
  if (peers.advertise(row.replica)) return { answer: await peers.forward(row.replica, ctx.caller, 'POST', ctx.path) };
  if (await system.adopt(row.sessionId)) return 'here';
  // running still, as far as the log says: its holder's lease ran out, and it is not known to be lost yet
  if (otherHolder(row, system.shared?.replica.id)) throw new HttpError(409, `Terminal ${row.sessionId} ${beingChecked(row.replica)}. Try again then.`);
  throw new HttpError(409, `Terminal ${row.sessionId} ran on replica ${row.replica}, which stopped answering; its terminals are being marked disconnected. Try again in a few seconds.`);
}
