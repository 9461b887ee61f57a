// The Kubernetes token `octant-exec sign-in` trades for a session: --kube-token-file's (or stdin's),
// else the one the kubeconfig's user sends to its cluster, found as kubectl finds the kubeconfig
// and got as client-node gets it (a token, a token file, a credential plugin). A user who proves
// who they are some other way (a client certificate, a password) has no token to give.
import process from 'node:process';
import { keepPluginCredentials, PluginFailed } from '../../adapters/kubernetes/plugin-credentials.ts';
import { findKubeconfig } from '../../runtime/cluster-choice.ts';
import { BEARER_TOKEN_SHAPE } from '../../protocol/http.ts';
import { readSecretFile, warnOnStderr } from '../server/secret-file.ts';
import { UsageError } from '../usage.ts';

export interface TokenFlags {
  'kube-token-file'?: string;
  kubeconfig?: string;
  context?: string;
}

/** Far more than any bearer token (the server takes 16 KiB): a bound against a stream that never ends. */
const MAX_STDIN_BYTES = 64 * 1024;

/** The token, and whose it is in words (for the line that says what was sent where). */
export async function kubeToken(flags: TokenFlags, env: Record<string, string | undefined> = process.env): Promise<{ token: string; from: string }> {
  const file = flags['kube-token-file'];
  if (file !== undefined && (flags.kubeconfig !== undefined || flags.context !== undefined)) throw new UsageError('give --kube-token-file, or --kubeconfig and --context: the token comes from one of them');
  const { text, from } = file === '-' ? { text: await stdinText(), from: 'the token from stdin' } : file !== undefined ? { text: readSecretFile(file, '--kube-token-file', warnOnStderr), from: `the token of ${file}` } : await kubeconfigToken(flags, env);
  const token = text.trim().replace(/^Bearer\s+/i, '');
  if (!BEARER_TOKEN_SHAPE.test(token)) throw new UsageError(`${file === '-' ? 'stdin' : file !== undefined ? `--kube-token-file ${file}` : 'the kubeconfig'} holds no bearer token: put the token alone in it, on one line, without spaces`);
  return { token, from };
}

async function stdinText(): Promise<string> {
  if (process.stdin.isTTY) throw new UsageError('--kube-token-file - reads the token from stdin, which is this terminal: pipe it in (kubectl create token … | octant-exec sign-in --kube-token-file -), or name a file');
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    length += chunk.length;
    if (length > MAX_STDIN_BYTES) throw new UsageError(`stdin holds more than ${MAX_STDIN_BYTES / 1024} KiB: that is not a token`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function kubeconfigToken(flags: TokenFlags, env: Record<string, string | undefined>): Promise<{ text: string; from: string }> {
  const found = findKubeconfig({ kubeconfig: flags.kubeconfig, context: flags.context, env });
  if (!found) throw new UsageError('no kubeconfig here (none in $KUBECONFIG or ~/.kube/config) to take your token from: give --kube-token-file FILE, or --kubeconfig FILE');
  // its advice of the sandbox is for the commands that would use one in its place; sign-in has none
  if ('problem' in found) throw new UsageError(found.problem.replace(/,? or use the built-in cluster with --sandbox/g, ''));
  const config = found.contexts.config();
  const user = config.getCurrentUser();
  keepPluginCredentials(config); // a plugin that fails says so as itself
  const options: { headers: Record<string, string> } = { headers: {} };
  try {
    await config.applyToHTTPSOptions(options);
  } catch (error) {
    if (error instanceof PluginFailed) throw new UsageError(`${error.message}${error.missing && error.installHint ? ` (${error.installHint.trim()})` : ''}: fix it, or give --kube-token-file FILE`);
    throw new UsageError(`the kubeconfig's user "${user?.name}" gave no token: ${(error as Error).message}`);
  }
  const header = options.headers.Authorization ?? '';
  if (/^bearer\s/i.test(header)) return { text: header, from: `the token of kubeconfig user "${user?.name}" (context ${config.getCurrentContext()})` };
  const how = user?.certFile || user?.certData ? 'a client certificate' : user?.username ? 'a user name and password' : 'no credential at all';
  throw new UsageError(`the kubeconfig's user "${user?.name}" (context ${config.getCurrentContext()}) proves who it is with ${how}, not a token, and that cannot be handed on: give --kube-token-file FILE with a bearer token of yours (your admin knows how your cluster issues them)`);
}
