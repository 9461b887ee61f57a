// client-node's applyToHTTPSOptions gives every call an agent of its own, built from the options
// it has just set. For the exec channel socket that agent does nothing: a WebSocket upgrade takes
// the connection out of the agent's pool, and a new agent has no TLS sessions to resume. But it
// stays alive with the terminal (the socket keeps it), about 15 KiB of server memory per idle
// terminal (bench/README.md, goal 3). Without it, ws dials with the very same options.
import http from 'node:http';
import https from 'node:https';

/**
 * Drops `options.agent` when it is a plain Node agent; keeps a proxy's agent (a kubeconfig's
 * proxy-url), which is what makes the connection go through the proxy.
 */
export function dialDirectly(options: { agent?: unknown }): void {
  const agent = options.agent;
  if (agent && (agent.constructor === https.Agent || agent.constructor === http.Agent)) delete options.agent;
}
