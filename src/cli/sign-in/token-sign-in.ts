// The person's Kubernetes token traded for a session (POST /auth/sign-in with the token as a bearer
// header: docs/api.md), kube-token mode. The token goes to the server named on the command line
// alone (sign-in-command.ts: never over plain http to another machine).
import { callServerJson } from '../server/server-client.ts';
import { kubeToken, type TokenFlags } from './kube-token-source.ts';

/** The server's answer, and whose token was sent, in words. */
export async function tokenSignIn(url: URL, flags: TokenFlags, beforeSending: () => void): Promise<{ answer: unknown; from: string }> {
  const { token, from } = await kubeToken(flags);
  beforeSending();
  return { answer: await callServerJson<unknown>({ url, token }, 'POST', '/auth/sign-in'), from };
}
