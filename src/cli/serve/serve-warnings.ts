// What serve says on stderr before it starts, when the flags make a risk that is allowed but
// should not go unnoticed: each one line, in the CLI's words.
import type { OctantExecOptions } from '../../server/app.ts';
import { isLoopback, isLoopbackUrl } from '../loopback.ts';

/** What a sign-in mode without TLS sends in the clear, as people would name it. */
const inTheClear = {
  local: 'the token and its cookie',
  proxy: "people's requests and the proxy's cookies",
  oidc: 'session cookies',
  'kube-token': 'tokens and cookies',
} as const;

type Flags = Pick<OctantExecOptions, 'host' | 'auth' | 'publicUrl' | 'sharedLog' | 'tokenFile' | 'metrics'>;

export function serveWarnings(options: Flags): string[] {
  const replicas = options.sharedLog && (options.auth?.mode ?? 'local') === 'local' && options.tokenFile === undefined ? ['replicas in local mode without --token-file: each prints a token of its own, and a page signed in on one is refused by the others; give them one --token-file.'] : [];
  return [...replicas, ...exposure(options), ...anyoneTrusted(options), ...metricsExposed(options)];
}

/** Metrics beyond loopback are how a deployed server is scraped; on a person's own machine, a port others can read. */
function metricsExposed(options: Flags): string[] {
  const metrics = options.metrics;
  if (!metrics || isLoopback(metrics.host) || (options.auth?.mode ?? 'local') !== 'local') return [];
  return [`metrics on ${metrics.host}:${metrics.port}: anyone who reaches it reads this server's counts (no names; no sign-in is asked); give 127.0.0.1:${metrics.port} to keep them to this machine.`];
}

function exposure(options: Flags): string[] {
  const host = options.host;
  const mode = options.auth?.mode ?? 'local';
  const advice = 'put TLS in front (an Ingress) and pass --public-url https://…';
  // Behind a proxy on this machine (--host on loopback), people still reach it at --public-url:
  // over plain http to another machine, what signs them in crosses the network as it is.
  if ((host === undefined || isLoopback(host)) && remoteHttp(options.publicUrl)) {
    return [`--auth ${mode} with --public-url ${options.publicUrl}: ${inTheClear[mode]} cross the network in the clear; ${advice}`];
  }
  if (host === undefined || isLoopback(host)) return [];
  if (mode === 'local') return [`listening on ${host}: anyone who can reach it and has the token can run commands in your containers.`];
  // A team mode beyond loopback is how it is deployed; plain http there is not.
  if (options.publicUrl?.startsWith('https:')) return [];
  return [`--auth ${mode} on ${host} without an https --public-url: ${inTheClear[mode]} cross the network in the clear; ${advice}`];
}

function remoteHttp(publicUrl: string | undefined): boolean {
  if (!publicUrl?.startsWith('http:')) return false;
  return !isLoopbackUrl(new URL(publicUrl));
}

/** A trusted range of every address (a /0) on a server others reach: whoever reaches it names themselves. */
function anyoneTrusted(options: Flags): string[] {
  if (options.auth?.mode !== 'proxy' || options.host === undefined || isLoopback(options.host)) return [];
  const everyone = options.auth.trustedProxies.find((range) => /\/0+$/.test(range.trim()));
  if (everyone === undefined) return [];
  return [`--trusted-proxy ${everyone} is every address, and the server listens on ${options.host}: anyone who reaches it may send X-Forwarded-User and be anyone (an --admin-group too); trust only the proxy's own addresses (127.0.0.1/32 for a sidecar)`];
}
