// Probes for whoever runs the server (the kubelet, a load balancer): /healthz says the process
// answers, /readyz that it is open for work: 503 until the event log is open and the actor system
// restored, and again from the moment it starts closing, so no new work is sent to a server on its
// way out. Neither asks for credentials nor checks Host (a kubelet probes the pod's IP), so both
// say nothing but that one word.
import { Buffer } from 'node:buffer';
import type { IncomingMessage, ServerResponse } from 'node:http';

export type Readiness = 'starting' | 'open' | 'closing';

export const HEALTH_PATH = '/healthz';
export const READY_PATH = '/readyz';

export function isProbe(pathname: string): boolean {
  return pathname === HEALTH_PATH || pathname === READY_PATH;
}

export function answerProbe(req: IncomingMessage, res: ServerResponse, pathname: string, readiness: Readiness): void {
  const [status, text] = req.method !== 'GET' && req.method !== 'HEAD' ? [405, 'GET only'] : pathname === HEALTH_PATH ? [200, 'ok'] : readiness === 'open' ? [200, 'ready'] : [503, 'not ready'];
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store', ...(status === 405 ? { Allow: 'GET, HEAD' } : {}) });
  res.end(req.method === 'HEAD' ? undefined : text);
}
