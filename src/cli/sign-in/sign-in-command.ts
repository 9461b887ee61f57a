// `octant-exec sign-in`: a session of a team's server for the client commands that follow
// (kept-sign-ins.ts), got the way the server takes (ways-in.ts, asked first): the person's
// Kubernetes token traded once (token-sign-in.ts, kube-token mode), or their leave given on the
// page in a browser where they are signed in (browser-handoff.ts, --browser; oidc mode always).
import process from 'node:process';
import type { CommandLineSession } from '../../protocol/http.ts';
import type { ParsedArgs } from '../flags.ts';
import { isLoopbackUrl } from '../loopback.ts';
import { commandLineSession, keepSignIn, signInsDir, signInsFolder, type KeptSignIn } from '../server/kept-sign-ins.ts';
import { serverUrl } from '../server/server-access.ts';
import { ServerError, serverText } from '../server/server-client.ts';
import { UsageError } from '../usage.ts';
import { browserHandoff } from './browser-handoff.ts';
import { tokenSignIn } from './token-sign-in.ts';
import { waysIn } from './ways-in.ts';
import type { signInSpec } from './sign-in-spec.ts';

export async function signInCommand({ values, operands }: ParsedArgs<typeof signInSpec>): Promise<number> {
  if (operands.length) throw new UsageError(`sign-in takes no operands ("${operands.join(' ').slice(0, 60)}"): the server is --server URL`);
  // named here, not taken from $OCTANT_EXEC_URL: the token goes there, and it may open more than the cluster (a cloud's)
  if (values.server === undefined) throw new UsageError('say which server to sign in to with --server URL (not $OCTANT_EXEC_URL: your Kubernetes token is sent there, so it is named where you see it)');
  const url = serverUrl(values);
  // what is sent (a token) and what comes back (the session) would be anyone's on the way
  if (url.protocol === 'http:' && !isLoopbackUrl(url)) {
    throw new UsageError(`${url.origin} is plain http on another machine: your Kubernetes token and the session would cross the network for anyone on the way to read. Give the server's https:// address, or a port-forward to it on this machine (kubectl port-forward … 17788:7788, then --server http://127.0.0.1:17788)`);
  }
  const tokenFlag = (['kube-token-file', 'kubeconfig', 'context'] as const).find((flag) => values[flag] !== undefined);
  if (values.browser && tokenFlag) throw new UsageError(`--browser hands over no token: leave out --${tokenFlag}`);
  const program = 'octant-exec sign-in';
  // where the session will be kept, made before the server makes one
  const folder = () => void signInsFolder(process.env);
  let answer: CommandLineSession;
  let how: string;
  try {
    const ways = await waysIn(url);
    if (values.browser || !ways.includes('token')) {
      if (tokenFlag) throw new UsageError(`${url.origin} signs the command line in through a browser only (oidc mode), and takes no token: leave out --${tokenFlag}`);
      answer = valid(await browserHandoff(url, { tell: (line) => void process.stderr.write(`${line}\n`), dir: signInsFolder(process.env) }), url);
      how = 'as you allowed in the browser';
    } else {
      const traded = await tokenSignIn(url, values, folder);
      answer = valid(traded.answer, url);
      how = `with ${traded.from}`;
    }
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
  else process.stdout.write(`${said(signIn, how)}\n`);
  return 0;
}

/** The answer, if it is a sign-in; anything else is not an octant-exec server's. */
function valid(answer: unknown, url: URL): CommandLineSession {
  const session = commandLineSession(answer);
  if (!session) throw new ServerError(`the server at ${url.origin} answered the sign-in with something that is not one: is it an octant-exec server?`);
  return session;
}

/** The line a person reads: who, how (with whose token), until when, and for which commands. */
function said(signIn: KeptSignIn, how: string): string {
  const groups = signIn.groups.length ? ` (groups ${signIn.groups.slice(0, 8).map(serverText).join(', ')}${signIn.groups.length > 8 ? `, and ${signIn.groups.length - 8} more` : ''})` : '';
  const admin = signIn.admin ? ', an admin' : '';
  return `signed in to ${signIn.server} as ${serverText(signIn.user)}${groups}${admin}, ${how}, until ${signIn.expiresAt}: exec, attach, debug, cp and people use it with that server (kept in ${signInsDir()})`;
}

/** What the command line adds to the server's sentence, for the refusals it words for a page or that mean another kind of server. */
function advice(error: ServerError): string {
  // an HTML page where the ways in should be: an octant-exec from before `sign-in`, or no octant-exec at all
  if (/answered \/auth\/sign-in with something that is not JSON/.test(error.message)) return ' (an octant-exec older than this command has no sign-in for it: sign in on the page and give the session cookie with --cookie-file)';
  if ((error.status === 404 || error.status === 405) && /^the server answered \d+$/.test(error.message)) return ': is --server the address of an octant-exec server in a team mode (of this version or later)?';
  return '';
}
