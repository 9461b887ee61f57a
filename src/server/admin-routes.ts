// An admin ends other people's terminals (docs/team-mode.md, "Offboarding"): one terminal, or
// every running terminal and batch of a person. Ended, not closed: the owner still sees the
// terminal, its output, and who ended it (`stopped`, `endedByAdmin`). And signs a person out
// everywhere: every sign-in of theirs made until then, and the shares they made. For the admins of
// a team mode only: anyone else is answered as for a terminal or a person they cannot see (404).
import { holder, settled, type ApiCall, type Route } from './api-call.ts';
import { sees } from './caller.ts';
import { HttpError, sendJson } from './replies.ts';
import { nameProblem } from './auth/person-names.ts';
import { endSharesOfPerson } from './shares/share-sign-ins.ts';
import type { ServerResponse } from 'node:http';
import type { Person } from '../domain/person.ts';
import { isId, isRunning, type EndPersonReply, type EndReply, type SignOutPersonReply } from '../protocol/index.ts';

export function adminRoutes(segment: string): Route[] {
  return [
    { method: 'POST', pattern: new RegExp(`^/sessions/${segment}/end$`), handler: (ctx, _req, _url, [id]) => endTerminal(ctx, id) },
    { method: 'POST', pattern: new RegExp(`^/people/${segment}/end$`), handler: (ctx, _req, _url, [user], res) => endPerson(ctx, user, res), raw: true },
    { method: 'POST', pattern: new RegExp(`^/people/${segment}/sign-out$`), handler: (ctx, _req, _url, [user]) => signOutPerson(ctx, user) },
  ];
}

/** The admin asking, by name: a member of an --admin-group in a team mode (local mode has one person, and nobody to offboard). */
const adminName = (ctx: ApiCall) => (ctx.caller.admin ? ctx.caller.person?.user : undefined);

/** While the shared log's database does not answer, what runs where is not known for sure, and the other replicas would hear of nothing: `why`, and nothing was done. */
function refuseWhileLogIsDown(ctx: ApiCall, why = 'which terminals run where is not known for sure: nothing was ended'): void {
  if (ctx.system.shared?.refusesExecs) throw new HttpError(503, `The event log's database does not answer, so ${why}. Try again when it is back (the page shows a banner until then).`);
}

/** The admin asking about person `user` (`what` they may do to them): anyone else is answered as for a person they cannot see; a name no sign-in could have is a 400. */
function adminAbout(ctx: ApiCall, user: string, what: string): string {
  const by = adminName(ctx);
  if (!by) throw new HttpError(404, `There is no person "${user.slice(0, 64)}" ${what}.`);
  const problem = nameProblem(user);
  if (problem) throw new HttpError(400, `The person's name ${problem}: give it as they sign in, percent-encoded in the path.`);
  return by;
}

async function endTerminal(ctx: ApiCall, id: string): Promise<EndReply> {
  const row = isId(id) ? ctx.system.sessionList.byId[id] : undefined;
  if (!row || !sees(ctx.caller, row.person)) throw new HttpError(404, `There is no open session "${id.slice(0, 64)}" (closed sessions are gone).`);
  const by = adminName(ctx);
  if (!by) throw new HttpError(403, 'Ending a terminal is for the admins of a team mode (members of an --admin-group): close your own, or exit its program.');
  refuseWhileLogIsDown(ctx);
  const where = await holder(ctx, row);
  if (where !== 'here') return where.answer as EndReply;
  // A batch's run: its end alone would free the batch's slot, and start its next target as the
  // person being ended. The admin stops the whole batch instead, as its owner's cancel would (its
  // other running runs too, their terminals kept): nothing more of it starts.
  const batchId = ctx.system.batches.sessions[id]?.[0];
  const batch = isRunning(row.state) && batchId !== undefined && ctx.system.batches.byId[batchId]?.state === 'running' && ctx.system.cancelBatch(batchId, by) ? batchId : undefined;
  const ended = batch !== undefined || ctx.system.endByAdmin(id, by);
  await settled(ctx);
  return { sessionId: id, ended, ...(batch ? { batch } : {}) };
}

/**
 * Every running batch and terminal of `user`, each where it runs: this replica cancels the batches
 * it runs (before their runs end: a run's end would start the next queued target) and ends the
 * terminals it holds, and sends the same call on to each other replica that holds one of them.
 * What those answer is added; those that could not be asked are listed, and the status is 503 then:
 * what was ended stays ended, and the same call again ends the rest.
 */
async function endPerson(ctx: ApiCall, user: string, res: ServerResponse): Promise<void> {
  const by = adminAbout(ctx, user, 'whose terminals you may end');
  refuseWhileLogIsDown(ctx);
  const theirs = (person: Person | undefined) => person?.user === user;
  const batches = Object.values(ctx.system.batches.byId)
    .filter((batch) => batch.state === 'running' && theirs(batch.person) && ctx.system.cancelBatch(batch.batchId, by))
    .map((batch) => batch.batchId);
  const running = Object.values(ctx.system.sessionList.byId).filter((row) => isRunning(row.state) && theirs(row.person));
  const ended = running.filter((row) => ctx.system.holds(row.sessionId) && ctx.system.endByAdmin(row.sessionId, by)).map((row) => row.sessionId);
  const unreached: NonNullable<EndPersonReply['unreached']> = [];
  if (ctx.peers && !ctx.via) {
    // each other replica that holds a running terminal of theirs or runs a batch of theirs (a
    // replica the watch no longer lists was lost: what it ran is being ended by the one that claimed it)
    const self = ctx.peers.self.id;
    const theirBatches = Object.values(ctx.system.batches.byId).filter((batch) => batch.state === 'running' && theirs(batch.person));
    const replicas = [...running.filter((row) => !ctx.system.holds(row.sessionId)), ...theirBatches].flatMap((run) => (run.replica && run.replica !== self ? [run.replica] : []));
    const elsewhere = new Set(replicas.filter((replica) => ctx.peers!.advertise(replica)));
    for (const replica of elsewhere) {
      try {
        const answer = (await ctx.peers.forward(replica, ctx.caller, 'POST', ctx.path)) as EndPersonReply;
        ended.push(...answer.ended);
        batches.push(...answer.batches);
      } catch (error) {
        // a replica down, slow, or of an older build without this route (404, in a rolling upgrade)
        unreached.push({ replica, error: (error as Error).message });
      }
    }
  }
  await settled(ctx);
  if (!unreached.length) return sendJson(res, 200, { user, ended, batches } satisfies EndPersonReply);
  const message = `${unreached.length === 1 ? 'A replica' : `${unreached.length} replicas`} of octant-exec could not be asked to end what ${user.slice(0, 64)} runs there (unreached says why): what is listed was ended. Run it again (once every replica runs this version, when one answered 404).`;
  sendJson(res, 503, { error: { status: 503, message }, user, ended, batches, unreached } satisfies EndPersonReply);
}

/**
 * Every sign-in of `user` made until now ends on every replica, and their sockets close there at
 * once (with replicas the sign-out goes through the shared store, as a sign-out does; in proxy mode
 * only the sockets, the proxy being the one to refuse them from now on), and every live share they
 * made is revoked. Said in the server's log, where sign-ins are.
 */
async function signOutPerson(ctx: ApiCall, user: string): Promise<SignOutPersonReply> {
  const by = adminAbout(ctx, user, 'whom you may sign out');
  refuseWhileLogIsDown(ctx, 'the other replicas would not hear of the sign-out: nobody was signed out');
  const signedOutAt = ctx.auth.signOutPerson(user);
  const shares = endSharesOfPerson(ctx.system, user, signedOutAt);
  ctx.warn(`${ctx.caller.mode} sign-out: admin ${JSON.stringify(by)} signed ${JSON.stringify(user)} out everywhere (every sign-in until now${shares.length ? `, and ${shares.length} share(s) they made` : ''})`);
  await settled(ctx);
  return { user, signedOutAt, shares };
}
