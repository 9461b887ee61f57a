// What serve says on stderr before it starts, when the flags make a risk that is allowed but
// should not go unnoticed: each one line, in the CLI's words.
import type { OctantExecOptions } from '../../server/app.ts';
import { isLoopback } from './serve-options.ts';

/** What a team mode without TLS sends in the clear, as people would name it. */
const inTheClear = {
  proxy: "people's requests and the proxy's cookies",
  oidc: 'session cookies',
  'kube-token': 'tokens and cookies',
} as const;

export function serveWarnings(options: Pick<OctantExecOptions, 'host' | 'auth' | 'publicUrl' | 'sharedLog' | 'tokenFile'>): string[] {
  const replicas = options.sharedLog && (options.auth?.mode ?? 'local') === 'local' && options.tokenFile === undefined ? ['replicas in local mode without --token-file: each prints a token of its own, and a page signed in on one is refused by the others; give them one --token-file.'] : [];
  return [...replicas, ...exposure(options)];
}

function exposure(options: Pick<OctantExecOptions, 'host' | 'auth' | 'publicUrl'>): string[] {
  const host = options.host;
  if (host === undefined || isLoopback(host)) return [];
  const mode = options.auth?.mode ?? 'local';
  if (mode === 'local') return [`listening on ${host}: anyone who can reach it and has the token can run commands in your containers.`];
  // A team mode beyond loopback is how it is deployed; plain http there is not.
  if (options.publicUrl?.startsWith('https:')) return [];
  return [`--auth ${mode} on ${host} without an https --public-url: ${inTheClear[mode]} cross the network in the clear; put TLS in front (an Ingress) and pass --public-url https://…`];
}
