// client-node's applyToHTTPSOptions gives every call an agent of its own, built from the options
// it has just set. For the exec channel socket that agent does nothing: a WebSocket upgrade takes
// the connection out of the agent's pool, and a new agent has no TLS sessions to resume. But it
// stays alive with the terminal (the socket keeps it), about 15 KiB of server memory per idle
// terminal (bench/README.md, goal 3). Without it, the exec dials a connection of its own with the
// very same options. Never one from the global agent's pool, which http.request falls back to:
// a connection or a TLS session another kubeconfig user's exec made would carry their client
// certificate, as the credentials are in a shared secure context that the pool's key does not
// see (secure-contexts.ts).
import http from 'node:http';
import https from 'node:https';
import { ownConnection } from './tls-over-tcp.ts';

/**
 * Drops `options.agent` when it is a plain Node agent, and has the request (http.request's or
 * ws's) dial a connection of its own (`createConnection`); keeps a proxy's agent (a kubeconfig's
 * proxy-url), which is what makes the connection go through the proxy.
 */
export function dialDirectly(options: { agent?: unknown; createConnection?: unknown; defaultPort?: number | string }, secure: boolean): void {
  const agent = options.agent;
  if (agent && (agent.constructor === https.Agent || agent.constructor === http.Agent)) delete options.agent;
  if (options.agent) return;
  options.createConnection = ownConnection(secure);
  // http.request takes a URL's missing port from its agent (443 for https's): with none, it is 80
  options.defaultPort ??= secure ? 443 : 80;
}
