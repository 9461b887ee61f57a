// The metrics' own listener (serve --metrics-address): GET /metrics and nothing else, apart from the
// app's port, so a scraper needs no sign-in and reaches nothing but counts. It asks for no
// credentials and does not check Host, as the probes do not (a scraper calls the pod's IP);
// what it tells is only numbers, never a name (server-metrics.ts). Loopback unless an address is
// given; any other is warned of, as --host is.
import { Buffer } from 'node:buffer';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EXPOSITION_CONTENT_TYPE, exposition } from './exposition.ts';
import { ServerMetrics } from './server-metrics.ts';
import type { ExecSystem } from '../../runtime/exec-system.ts';

export const METRICS_PATH = '/metrics';

export interface MetricsListener {
  /** where it answers: http://HOST:PORT/metrics */
  url: string;
  close(): Promise<void>;
}

export interface MetricsAddress {
  host: string;
  /** 0 picks a free one */
  port: number;
}

/** Counts from now on, and answers scrapes at `where` (a port in use fails the start, with nothing left counting). */
export async function listenForMetrics(where: MetricsAddress, system: ExecSystem, hub: { readonly pageCount: number }, warn: (message: string) => void): Promise<MetricsListener> {
  const metrics = new ServerMetrics(system, hub);
  const server = createServer((req, res) => answer(req, res, metrics));
  await new Promise<void>((resolve, reject) => {
    const refused = (error: NodeJS.ErrnoException) => {
      metrics.close();
      const why = error.code === 'EADDRINUSE' ? 'another program listens there: give --metrics-address another port' : 'give --metrics-address an address of this machine';
      reject(new Error(`cannot serve metrics at ${where.host}:${where.port} (${error.message}): ${why}`));
    };
    server.once('error', refused);
    server.listen(where.port, where.host, () => {
      server.off('error', refused);
      resolve();
    });
  });
  // once listening, a failure to take a connection (EMFILE) is that scrape's, never the server's
  server.on('error', (error) => warn(`metrics: ${error.message}`));
  const { port } = server.address() as AddressInfo;
  const host = where.host.includes(':') ? `[${where.host}]` : where.host;
  return {
    url: `http://${host}:${port}${METRICS_PATH}`,
    close: () =>
      new Promise<void>((resolve) => {
        metrics.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function answer(req: IncomingMessage, res: ServerResponse, metrics: ServerMetrics): void {
  const path = (req.url ?? '').split('?')[0];
  const [status, type, text, allow] =
    path !== METRICS_PATH
      ? [404, 'text/plain; charset=utf-8', `Only ${METRICS_PATH} is here: the app is on its own port.`, undefined]
      : req.method !== 'GET' && req.method !== 'HEAD'
        ? [405, 'text/plain; charset=utf-8', 'GET only.', 'GET, HEAD']
        : [200, EXPOSITION_CONTENT_TYPE, exposition(metrics.families()), undefined];
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', ...(allow ? { Allow: allow } : {}) });
  res.end(req.method === 'HEAD' ? undefined : text);
}
