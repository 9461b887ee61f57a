// people sign-out and people end: one call each, and what the server did, said on stdout (or its
// answer as it is, with --json). End's 503 for replicas it could not ask still carries what was
// ended: that is printed, the server's sentence and each replica's trouble go to stderr, exit 1.
import process from 'node:process';
import type { EndPersonReply, SignedIn, SignOutPersonReply } from '../../protocol/index.ts';
import { callServerJson, ServerError, serverText, type ServerAccess } from '../server/server-client.ts';

/** What each sub-command is given: the admin it speaks for (GET /info) checked already. */
export interface PeopleCall {
  access: ServerAccess;
  user: string;
  json: boolean;
  program: string;
  caller: SignedIn;
}

/** Each sub-command: the exit status, after what it prints. */
export type PeopleAction = (call: PeopleCall) => Promise<number>;

/** The route of one person: the name percent-encoded, as the server reads it. */
export const personPath = (user: string, what: 'end' | 'sign-out') => `/api/v1/people/${encodeURIComponent(user)}/${what}`;

export const signOutPerson: PeopleAction = async ({ access, user, json, caller }) => {
  const reply = await callServerJson<SignOutPersonReply>(access, 'POST', personPath(user, 'sign-out'));
  if (json) return print(reply);
  const at = Number.isFinite(reply.signedOutAt) ? new Date(reply.signedOutAt).toISOString() : 'now';
  const shares = listOf(reply.shares);
  const revoked = shares.length ? `; ${counted(shares.length, 'share')} they made revoked: ${shares.join(', ')}` : '; they had no live share';
  // in proxy mode octant-exec has no sign-in to end: the proxy says who each request is, and goes on letting them in
  const done =
    caller.mode === 'proxy'
      ? `signed ${user} out of what was open: their sockets opened until ${at} are closed on every replica${revoked}. The proxy still lets them in until their account is gone there: take it away at the proxy or the identity provider`
      : `signed ${user} out everywhere: every sign-in of theirs made until ${at} has ended${revoked}`;
  process.stdout.write(`${done}\n`);
  return 0;
};

export const endPerson: PeopleAction = async ({ access, user, json, program }) => {
  let reply: EndPersonReply;
  let partly: ServerError | undefined;
  try {
    reply = await callServerJson<EndPersonReply>(access, 'POST', personPath(user, 'end'));
  } catch (error) {
    // a 503 that lists what was ended (some replicas unreached) is an answer; one without (the log's database down) is a refusal
    if (!(error instanceof ServerError && error.status === 503 && isEndReply(error.answer))) throw error;
    reply = error.answer;
    partly = error;
  }
  if (json) print(reply);
  else process.stdout.write(endLines(user, reply));
  if (!partly) return 0;
  const unreached = (Array.isArray(reply.unreached) ? reply.unreached : []).map((u) => `\n  replica ${serverText(String(u?.replica))}: ${serverText(String(u?.error))}`);
  process.stderr.write(`${program}: ${partly.message}${unreached.join('')}\n`);
  return 1;
};

function endLines(user: string, reply: EndPersonReply): string {
  const ended = listOf(reply.ended);
  const batches = listOf(reply.batches);
  if (!ended.length && !batches.length) return `nothing of ${user}'s was running here: nothing ended\n`;
  const lines = [];
  if (batches.length) lines.push(`cancelled ${counted(batches.length, 'batch')} of ${user}: ${batches.join(', ')}`);
  if (ended.length) lines.push(`ended ${counted(ended.length, 'terminal')} of ${user}: ${ended.join(', ')}`);
  return `${lines.join('\n')}\n`;
}

function isEndReply(answer: unknown): answer is EndPersonReply {
  return Array.isArray((answer as EndPersonReply | null)?.ended) && Array.isArray((answer as EndPersonReply).batches);
}

/** Ids from the server, as they may reach a terminal. */
const listOf = (ids: unknown): string[] => (Array.isArray(ids) ? ids.map((id) => serverText(String(id))) : []);

export const counted = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : noun.endsWith('h') ? 'es' : 's'}`;

export function print(value: unknown): number {
  process.stdout.write(`${JSON.stringify(value)}\n`);
  return 0;
}
