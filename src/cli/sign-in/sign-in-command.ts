// `octant-exec sign-in`: the person's Kubernetes token traded once for a session of a kube-token
// server (POST /auth/sign-in with the token as a bearer header: docs/api.md), the session kept for
// the client commands that follow (kept-sign-ins.ts). The token is sent to that server alone, and
// never over plain http to another machine.
import process from 'node:process';
import type { ParsedArgs } from '../flags.ts';
import { isLoopbackUrl } from '../loopback.ts';
import { SESSION_COOKIE } from '../server/credential-shapes.ts';
import { isIsoTime, keepSignIn, signInsDir, signInsFolder, type KeptSignIn } from '../server/kept-sign-ins.ts';
import { serverUrl } from '../server/server-access.ts';
import { callServerJson, ServerError, serverText } from '../server/server-client.ts';
import { UsageError } from '../usage.ts';
import { kubeToken } from './kube-token-source.ts';
import type { signInSpec } from './sign-in-spec.ts';

/** The server's answer to a token exchange. */
type Answer = Omit<KeptSignIn, 'server'>;

export async function signInCommand({ values, operands }: ParsedArgs<typeof signInSpec>): Promise<number> {
  if (operands.length) throw new UsageError(`sign-in takes no operands ("${operands.join(' ').slice(0, 60)}"): the server is --server URL`);
  // named here, not taken from $OCTANT_EXEC_URL: the token goes there, and it may open more than the cluster (a cloud's)
  if (values.server === undefined) throw new UsageError('say which server to sign in to with --server URL (not $OCTANT_EXEC_URL: your Kubernetes token is sent there, so it is named where you see it)');
  const url = serverUrl(values);
  if (url.protocol === 'http:' && !isLoopbackUrl(url)) {
    throw new UsageError(`${url.origin} is plain http on another machine: your Kubernetes token would cross the network for anyone on the way to read. Give the server's https:// address, or a port-forward to it on this machine (kubectl port-forward … 17788:7788, then --server http://127.0.0.1:17788)`);
  }
  const { token, from } = await kubeToken(values);
  signInsFolder(process.env); // where the session will be kept, before the server makes one
  const program = 'octant-exec sign-in';
  let answer: Answer;
  try {
    answer = valid(await callServerJson<unknown>({ url, token }, 'POST', '/auth/sign-in'), url);
  } catch (error) {
    if (!(error instanceof ServerError)) throw error;
    if (values.json) process.stdout.write(`${JSON.stringify(error.answer ?? { error: { ...(error.status ? { status: error.status } : {}), message: error.message } })}\n`);
    process.stderr.write(`${program}: ${error.message}${advice(error)}\n`);
    return 1;
  }
  const signIn: KeptSignIn = { server: url.origin, ...answer };
  keepSignIn(signIn, process.env);
  // never the cookie: the session is kept, not shown
  if (values.json) process.stdout.write(`${JSON.stringify({ server: signIn.server, user: signIn.user, groups: signIn.groups, admin: signIn.admin, expiresAt: signIn.expiresAt })}\n`);
  else process.stdout.write(`${said(signIn, from)}\n`);
  return 0;
}

/** The answer, if it is a sign-in; anything else is not an octant-exec server's. */
function valid(answer: unknown, url: URL): Answer {
  const { cookie, user, groups, admin, expiresAt } = (answer ?? {}) as Partial<Answer>;
  const ok = typeof cookie === 'string' && SESSION_COOKIE.test(cookie) && typeof user === 'string' && Array.isArray(groups) && groups.every((group) => typeof group === 'string') && typeof admin === 'boolean' && isIsoTime(expiresAt);
  if (!ok) throw new ServerError(`the server at ${url.origin} answered the sign-in with something that is not one: is it an octant-exec server?`);
  return { cookie, user, groups, admin, expiresAt };
}

/** The line a person reads: who, with whose token, until when, and for which commands. */
function said(signIn: KeptSignIn, from: string): string {
  const groups = signIn.groups.length ? ` (groups ${signIn.groups.slice(0, 8).map(serverText).join(', ')}${signIn.groups.length > 8 ? `, and ${signIn.groups.length - 8} more` : ''})` : '';
  const admin = signIn.admin ? ', an admin' : '';
  return `signed in to ${signIn.server} as ${serverText(signIn.user)}${groups}${admin} with ${from}, until ${signIn.expiresAt}: exec, attach, debug, cp and people use it with that server (kept in ${signInsDir()})`;
}

/** What the command line adds to the server's sentence, for the refusals it words for a page or that mean another kind of server. */
function advice(error: ServerError): string {
  // no such route (or not by POST): an older server, or not a kube-token one that says so
  if ((error.status === 404 || error.status === 405) && /^the server answered \d+$/.test(error.message)) return ': is --server the address of an octant-exec server in kube-token mode (of this version or later)?';
  return '';
}
