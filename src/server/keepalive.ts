// The keepalive: how often the server pings on both of its long-lived hops, the page sockets and
// the exec streams to the cluster, so that a proxy or load balancer that cuts idle connections
// (nginx after 60 s by default; 30 s is the shortest common default) never sees one of them idle. One setting for both
// (--keepalive); without it each hop keeps its own default. The pings are not activity: a
// terminal's idle timeout counts only what its person types and its process prints.
import { HUB_DEFAULTS } from './hub-options.ts';

/** The page hop's default, the hub's: a page socket silent through two pings is dropped, so a vanished browser is noticed within 45 s. */
export const PAGE_KEEPALIVE_DEFAULT_MS = HUB_DEFAULTS.pingIntervalMs;
/** The cluster hop's default: client-go's (kubectl's) 5 s, as the exec adapters' own. */
export const CLUSTER_KEEPALIVE_DEFAULT_MS = 5_000;

/**
 * The range the setting takes. Below 100 ms pings would be most of the traffic. Above 30 s they
 * would not keep a connection through the shortest common idle cut (30 s), and the cluster hop
 * takes 61 s without an answer as a dead connection: two pings must fit in that.
 */
export const KEEPALIVE_MIN_MS = 100;
export const KEEPALIVE_MAX_MS = 30_000;

export interface KeepaliveIntervals {
  /** the server pings each page socket this often */
  pageMs: number;
  /** the server pings the cluster on each exec stream this often */
  clusterMs: number;
}

/** Both hops' intervals: `keepaliveMs` for both when given (checked), else each hop's default. */
export function keepaliveIntervals(keepaliveMs?: number): KeepaliveIntervals {
  if (keepaliveMs === undefined) return { pageMs: PAGE_KEEPALIVE_DEFAULT_MS, clusterMs: CLUSTER_KEEPALIVE_DEFAULT_MS };
  if (!Number.isInteger(keepaliveMs) || keepaliveMs < KEEPALIVE_MIN_MS || keepaliveMs > KEEPALIVE_MAX_MS) {
    throw new Error(`the keepalive must be whole milliseconds from ${KEEPALIVE_MIN_MS} to ${KEEPALIVE_MAX_MS} (--keepalive takes seconds, 1 to ${KEEPALIVE_MAX_MS / 1000}), not ${keepaliveMs}`);
  }
  return { pageMs: keepaliveMs, clusterMs: keepaliveMs };
}
