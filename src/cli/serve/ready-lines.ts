// What `serve` prints once it is ready: which cluster, where the log is, and the URL to open (with
// --json, one line of the same facts for a script). The URL hands over local mode's token once.
// A --token-file's token is not printed: it outlives this launch and opens every replica given
// the file, and a deployed server's stdout is a log that others read (SECURITY.md: never logged).
// Nor is it to go in a URL, which the browser's history keeps: the page's Token field takes it.
import type { RunningApp } from '../../server/app.ts';
import type { ReplicaInfo } from '../../events/shared-store.ts';
import { tokenUrl } from '../../protocol/token-fragment.ts';

/** `replica`: the replica this server is in a shared log */
type ReadyFacts = Pick<RunningApp, 'url' | 'token' | 'auth' | 'port' | 'socketUrl' | 'cluster' | 'clusterNote' | 'stateDir' | 'metricsUrl'> & { replica?: ReplicaInfo };

export interface ReadyHow {
  json: boolean;
  tokenFile?: string;
  socketPath: string;
}

export function readyLines(app: ReadyFacts, how: ReadyHow): string[] {
  // In a team mode people sign in: the URL carries no token, and the launch's token opens nothing.
  const team = app.auth !== 'local';
  const token = team || how.tokenFile !== undefined ? null : app.token;
  if (how.json) return [JSON.stringify({ url: app.url, token, port: app.port, socket: app.socketUrl, cluster: app.cluster, stateDir: app.stateDir, ...(app.metricsUrl ? { metrics: app.metricsUrl } : {}) })];
  const log = app.replica ? `event log shared in PostgreSQL, as replica ${app.replica.id} reached at ${app.replica.advertise}` : `event log in ${app.stateDir}`;
  const open = token !== null ? tokenUrl(app.url, token) : team ? app.url : `${app.url}, then give its Token field the token in ${how.tokenFile} (not printed: it outlives this launch)`;
  return [
    `octant-exec: ${app.clusterNote}`,
    `octant-exec: ${log}; terminal socket at ${how.socketPath}`,
    ...(app.metricsUrl ? [`octant-exec: Prometheus metrics at ${app.metricsUrl}`] : []),
    ...(team ? [`octant-exec: people sign in with --auth ${app.auth}; /healthz and /readyz answer probes`] : []),
    `octant-exec: open ${open}`,
  ];
}
