// The cluster seam, as the server sees it: contexts, namespaces and pods read in domain terms, and
// live pod lists. The Kubernetes implementations are in kubernetes/ (cluster.ts, pod-watches.ts);
// nothing outside adapters/ touches a Kubernetes client. In team mode every read is made as the
// person it is for (`as(person)`, `subscribe(…, person)`): the cluster's RBAC decides what they see.
import type { Person } from '../domain/person.ts';
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

/** May the caller do this? Asked of the cluster (a SelfSubjectAccessReview), e.g. create pods/exec. */
export interface AccessCheck {
  namespace: string;
  context?: string;
  verb: string;
  resource: string;
  subresource?: string;
}

export interface AccessAnswer {
  allowed: boolean;
  /** a sentence for a tooltip; when denied it names the missing permission: `create pods/exec in namespace "default"` */
  reason: string;
}

export interface ClusterView {
  listContexts(): ContextSummary[];
  /** the user a context acts as (the audit trail's "who"): the person of an `as` view; throws for a context that does not exist */
  userOf(context?: string): string;
  namespaces(context?: string): Promise<string[]>;
  pods(namespace: string, options?: { context?: string; labelSelector?: string }): Promise<PodSummary[]>;
  pod(namespace: string, name: string, context?: string): Promise<PodSummary>;
  /** answers are kept briefly (seconds) per person and question; a failed review throws a ClusterError */
  canI(check: AccessCheck): Promise<AccessAnswer>;
  /**
   * The same cluster, every call made as `person` (impersonated, with the server's own credentials).
   * Cheap: make one per request if that is simpler; nothing is kept per view.
   */
  as(person: Person): ClusterView;
}

export interface PodListener {
  /** `listedAt`: when (performance.now()) the list these come from was asked for (it is as of then or later); events since are in it too */
  pods(pods: PodSummary[], listedAt: number): void;
  error(message: string): void;
}

/** A pod went away (deleted, or being deleted): the server ends the execs into it. */
export type PodGone = (context: string | undefined, namespace: string, pod: string) => void;

/** Live pod lists, one per (person, context, namespace), shared by their subscribers. */
export interface PodWatching {
  /** Current pods now and on every change, as `person` sees them when given; returns the way to stop. */
  subscribe(context: string | undefined, namespace: string, listener: PodListener, person?: Person): () => void;
  close(): void;
}
