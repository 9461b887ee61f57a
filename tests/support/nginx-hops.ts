// A server yet to start, with nginx from Debian on both of its hops, as in a cluster: an Ingress
// in front of it (HTTP and WebSocket) and a load balancer between it and the sandbox's API server
// (TCP, TLS passed through), each cutting connections quiet for `cutSeconds`. The server is then
// started with `serverOptions` (its port, its kubeconfig through the load balancer, and the
// Ingress's address as an allowed Host), and a page reaches it at `front.url`.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Sandbox } from '../../src/sandbox/index.ts';
import { freePort } from './free-port.ts';
import { startNginx, type Nginx } from './nginx.ts';
import { withTimeout } from './wait.ts';

export interface NginxHops {
  /** the Ingress: the page's way in */
  front: Nginx;
  /** the API server's load balancer: the server's way to the cluster */
  back: Nginx;
  serverOptions: { sandbox: false; kubeconfig: string; port: number; hostNames: string[] };
  /** stops both nginx and removes the kubeconfig */
  stop(): Promise<void>;
}

export async function nginxOnBothHops(sandbox: Sandbox, cutSeconds: number): Promise<NginxHops> {
  const dir = mkdtempSync(join(tmpdir(), 'octant-exec-nginx-hops-'));
  const started: Nginx[] = [];
  try {
    const back = await startNginx({ protocol: 'tcp', upstreams: [new URL(sandbox.server).host], idleTimeoutSeconds: cutSeconds });
    started.push(back);
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, readFileSync(sandbox.kubeconfigPath, 'utf8').replaceAll(sandbox.server, `https://127.0.0.1:${back.port}`), { mode: 0o600 });
    const port = await freePort();
    const front = await startNginx({ upstreams: [`127.0.0.1:${port}`], idleTimeoutSeconds: cutSeconds });
    started.push(front);
    const stop = async () => {
      await Promise.all(started.map((nginx) => nginx.stop()));
      rmSync(dir, { recursive: true, force: true });
    };
    return { front, back, serverOptions: { sandbox: false, kubeconfig, port, hostNames: [`127.0.0.1:${front.port}`] }, stop };
  } catch (error) {
    await Promise.all(started.map((nginx) => nginx.stop()));
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Opens a TCP connection through a tcp `nginx`, sends nothing, and resolves once nginx cuts it: one idle
 * cut, seen happen. Tests wait for a few of these in a row to let connections sit idle for as
 * long, with proof that this nginx cuts what is idle meanwhile.
 */
export function quietConnectionCut(nginx: Nginx, timeoutMs = 15_000): Promise<void> {
  const socket = connect(nginx.port, '127.0.0.1');
  socket.on('error', () => {});
  const cut = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return withTimeout(cut, timeoutMs, `nginx on port ${nginx.port} to cut a quiet connection`).finally(() => socket.destroy());
}
