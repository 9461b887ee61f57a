// The sandbox's live objects: namespaces and pods built from the fixture or created through the
// API, their changes and deletion, and the watch fan-out (ADDED/MODIFIED/DELETED) that
// list-and-watch clients rely on. Like the API server's watch cache, recent events are kept, so a
// watch started from a list's resourceVersion gets what happened between the list and its start
// instead of missing it.
import { randomUUID } from 'node:crypto';
import type { PodFixture, SandboxFixture } from '../fixture/fixture.ts';
import { namespaceObject, podObject, type KubeObject } from './pod-objects.ts';
import { inStartOrder } from '../fixture/start-order.ts';
import { inByteOrder } from '../../domain/pod.ts';

export interface SandboxPod {
  namespace: string;
  fixture: PodFixture;
  object: KubeObject;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';
export interface WatchEvent {
  type: WatchEventType;
  object: KubeObject;
}
type WatchListener = (event: WatchEvent) => void;

/** events kept for watches that start from an older resourceVersion */
const EVENTS_KEPT = 1000;

export class ClusterState {
  private version = 1;
  private readonly namespaceObjects = new Map<string, KubeObject>();
  private readonly podsByKey = new Map<string, SandboxPod>();
  /** keys of the pods made through the API (addPod) that still exist: what the pod quota counts */
  private readonly created = new Set<string>();
  private readonly watchers = new Set<{ namespace?: string; username: string; listener: WatchListener }>();
  private readonly deletionListeners = new Set<(pod: SandboxPod) => void>();
  private readonly recent: { namespace: string; version: number; event: WatchEvent }[] = [];

  constructor(fixture: SandboxFixture, now = new Date()) {
    const createdAt = now.toISOString().replace(/\.\d+Z$/, 'Z');
    for (const ns of fixture.namespaces) {
      this.namespaceObjects.set(ns.name, namespaceObject(ns.name, randomUUID(), createdAt, this.nextVersion()));
      for (const pod of ns.pods) {
        const started = inStartOrder(pod);
        this.podsByKey.set(key(ns.name, pod.name), { namespace: ns.name, fixture: started, object: podObject(ns.name, started, createdAt, this.nextVersion()) });
      }
    }
  }

  get resourceVersion(): string {
    return String(this.version);
  }

  /** In name order, as the API server lists them (etcd's key order). */
  namespaces(): KubeObject[] {
    return [...this.namespaceObjects.entries()].sort(byKey).map(([, object]) => object);
  }

  hasNamespace(name: string): boolean {
    return this.namespaceObjects.has(name);
  }

  namespace(name: string): KubeObject | undefined {
    return this.namespaceObjects.get(name);
  }

  /** Pods of one namespace, or of all when namespace is undefined; by namespace and name, as the API server lists them. */
  pods(namespace?: string): SandboxPod[] {
    return [...this.podsByKey.entries()]
      .filter(([, p]) => namespace === undefined || p.namespace === namespace)
      .sort(byKey)
      .map(([, p]) => p);
  }

  pod(namespace: string, name: string): SandboxPod | undefined {
    return this.podsByKey.get(key(namespace, name));
  }

  /** How many pods made through the API exist now, in every namespace. */
  get createdPodCount(): number {
    return this.created.size;
  }

  /** A pod made through the API (pod-create.ts): stored with the next resourceVersion, ADDED to watchers. */
  addPod(namespace: string, fixture: PodFixture, object: KubeObject): SandboxPod {
    const pod = { namespace, fixture, object: { ...object, metadata: { ...object.metadata, resourceVersion: this.nextVersion() } } };
    this.podsByKey.set(key(namespace, fixture.name), pod);
    this.created.add(key(namespace, fixture.name));
    this.emit(namespace, { type: 'ADDED', object: pod.object });
    return pod;
  }

  deletePod(namespace: string, name: string): SandboxPod | undefined {
    const pod = this.podsByKey.get(key(namespace, name));
    if (!pod) return undefined;
    this.podsByKey.delete(key(namespace, name));
    this.created.delete(key(namespace, name));
    const metadata = { ...pod.object.metadata, resourceVersion: this.nextVersion(), deletionTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), deletionGracePeriodSeconds: 0 };
    const deleted = { ...pod, object: { ...pod.object, metadata } };
    for (const listener of this.deletionListeners) listener(deleted);
    this.emit(namespace, { type: 'DELETED', object: deleted.object });
    return deleted;
  }

  /**
   * Replaces a pod (its fixture, its object or both) with a new resourceVersion, and tells
   * watchers (MODIFIED). Returns the new pod, or undefined when the pod is gone.
   */
  updatePod(namespace: string, name: string, update: (pod: SandboxPod) => SandboxPod): SandboxPod | undefined {
    const current = this.podsByKey.get(key(namespace, name));
    if (!current) return undefined;
    const next = update(current);
    const updated = { ...next, object: { ...next.object, metadata: { ...next.object.metadata, resourceVersion: this.nextVersion() } } };
    this.podsByKey.set(key(namespace, name), updated);
    this.emit(namespace, { type: 'MODIFIED', object: updated.object });
    return updated;
  }

  onPodDeleted(listener: (pod: SandboxPod) => void): void {
    this.deletionListeners.add(listener);
  }

  /** Subscribes `username`'s watch to pod events of one namespace (or all); returns the unsubscribe function. */
  watchPods(namespace: string | undefined, username: string, listener: WatchListener): () => void {
    const entry = { namespace, username, listener };
    this.watchers.add(entry);
    return () => this.watchers.delete(entry);
  }

  /** Who watches the pods of `namespace` now (a watch of every namespace too), one user name per open watch. */
  podWatchers(namespace: string): string[] {
    return [...this.watchers].filter((w) => w.namespace === undefined || w.namespace === namespace).map((w) => w.username);
  }

  /** The kept events after resourceVersion `after`, oldest first (of one namespace, or of all). */
  eventsSince(after: number, namespace?: string): WatchEvent[] {
    return this.recent.filter((e) => e.version > after && (namespace === undefined || e.namespace === namespace)).map((e) => e.event);
  }

  private emit(namespace: string, event: WatchEvent): void {
    this.recent.push({ namespace, version: Number(event.object.metadata.resourceVersion), event });
    if (this.recent.length > EVENTS_KEPT) this.recent.shift();
    for (const w of this.watchers) if (w.namespace === undefined || w.namespace === namespace) w.listener(event);
  }

  private nextVersion(): string {
    this.version += 1;
    return String(this.version);
  }
}

const key = (namespace: string, name: string) => `${namespace}/${name}`;
/** The order etcd keeps the keys in. */
const byKey = ([a]: [string, unknown], [b]: [string, unknown]) => inByteOrder(a, b);
