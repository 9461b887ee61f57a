// The cluster seam, as the server sees it: contexts, namespaces and pods read in domain terms, and
// live pod lists. The Kubernetes implementations are in kubernetes/ (cluster.ts, pod-watches.ts);
// nothing outside adapters/ touches a Kubernetes client.
import type { ContextSummary, PodSummary } from '../domain/pod.ts';

/** A cluster read that failed: `status` is the HTTP status that best says why (400, 401, 403, 404, 502). */
export class ClusterError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface ClusterView {
  listContexts(): ContextSummary[];
  /** the user a context acts as (the audit trail's "who"); throws for a context that does not exist */
  userOf(context?: string): string;
  namespaces(context?: string): Promise<string[]>;
  pods(namespace: string, options?: { context?: string; labelSelector?: string }): Promise<PodSummary[]>;
  pod(namespace: string, name: string, context?: string): Promise<PodSummary>;
}

export interface PodListener {
  pods(pods: PodSummary[]): void;
  error(message: string): void;
}

/** A pod went away (deleted, or being deleted): the server ends the execs into it. */
export type PodGone = (context: string | undefined, namespace: string, pod: string) => void;

/** Live pod lists, one per (context, namespace), shared by their subscribers. */
export interface PodWatching {
  /** Current pods now and on every change; returns the way to stop. */
  subscribe(context: string | undefined, namespace: string, listener: PodListener): () => void;
  close(): void;
}
