// `octant-exec sign-out`: ends the session `octant-exec sign-in` kept for a server (POST
// /auth/sign-out with its cookie, as the page's button does), then forgets it. A server that cannot
// be reached, or fails, keeps it here, so that running it again can still end it; one that refuses
// (no sign-out there: another server at that address) has nothing to end, and it is forgotten.
import process from 'node:process';
import { SIGN_OUT_PATH } from '../../server/auth/auth-paths.ts';
import type { ParsedArgs } from '../flags.ts';
import { forgetSignIn, keptSignIn } from '../server/kept-sign-ins.ts';
import { serverUrl } from '../server/server-access.ts';
import { callServer, ServerError } from '../server/server-client.ts';
import { warnOnStderr } from '../server/secret-file.ts';
import { UsageError } from '../usage.ts';
import type { signOutSpec } from './sign-out-spec.ts';

export async function signOutCommand({ values, operands }: ParsedArgs<typeof signOutSpec>): Promise<number> {
  if (operands.length) throw new UsageError(`sign-out takes no operands ("${operands.join(' ').slice(0, 60)}"): the server is --server URL`);
  const url = serverUrl(values);
  const server = url.origin;
  const kept = keptSignIn(server, process.env, warnOnStderr);
  const tell = (outcome: string, line: string, code = 0): number => {
    // with --json, stdout holds the JSON alone; a failure is said on stderr all the same
    if (values.json) process.stdout.write(`${JSON.stringify({ server, outcome })}\n`);
    if (code) process.stderr.write(`octant-exec sign-out: ${line}\n`);
    else if (!values.json) process.stdout.write(`${line}\n`);
    return code;
  };
  if (!kept) return tell('none', `no sign-in to ${server} is kept here: nothing to sign out of`);
  if ('ended' in kept) {
    forgetSignIn(server, process.env);
    return tell('ended', `your sign-in to ${server} had ended by itself (at ${kept.ended.expiresAt}): forgotten here`);
  }
  try {
    const res = await callServer({ url, token: '', cookie: kept.signIn.cookie }, 'POST', SIGN_OUT_PATH, {}, undefined, { Accept: 'application/json' });
    res.resume();
  } catch (error) {
    if (!(error instanceof ServerError)) throw error;
    // refused, not failed: what answers there has no such session to end (another server at a port-forward's address, gone)
    if (error.status !== undefined && error.status < 500) {
      forgetSignIn(server, process.env);
      return tell('forgotten', `${server} answered "${error.message}": no server there knows this sign-in, so it is forgotten here (if the team's server is still reached elsewhere, the session ends by itself at ${kept.signIn.expiresAt})`);
    }
    return tell('failed', `${error.message}: the server did not sign you out, so your sign-in to ${server} is still kept here; run sign-out again when the server answers (the session ends by itself at ${kept.signIn.expiresAt})`, 1);
  }
  forgetSignIn(server, process.env);
  return tell('signed-out', `signed out of ${server}`);
}
