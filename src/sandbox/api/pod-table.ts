// The Table answer the API server gives `kubectl get pods` (which asks for `as=Table` in Accept):
// the columns kubectl shows (NAME READY STATUS RESTARTS AGE, and with -o wide IP and NODE), each
// row's cells worked out on the server as the API server's pod printer does, and the object's
// metadata (kubectl reads the namespace column of -A from it). A client that asks for plain JSON
// still gets the pods; without this, kubectl printed only NAME and AGE.
import type { IncomingMessage } from 'node:http';
import { podStatusText, type PodStatusParts } from '../../domain/pod-status.ts';

type Json = Record<string, unknown>;
type Status = { name?: string; ready?: boolean; restartCount?: number; state?: Json; lastState?: Json };

/** Whether the client asked for a Table first (kubectl's Accept lists it before plain JSON). */
export function wantsTable(req: IncomingMessage): boolean {
  const accept = req.headers.accept ?? '';
  return /^[^,]*;\s*as=Table/.test(accept);
}

/** What each row carries of its object (`?includeObject=`): kubectl asks for the whole of it to --sort-by. */
export type IncludeObject = 'Object' | 'Metadata' | 'None';

export function includeObject(req: IncomingMessage): IncludeObject {
  const asked = new URL(req.url ?? '/', 'http://sandbox').searchParams.get('includeObject');
  return asked === 'Object' || asked === 'None' ? asked : 'Metadata';
}

const column = (name: string, type: string, description: string, priority = 0, format = '') => ({ name, type, format, description, priority });

const POD_COLUMNS = [
  column('Name', 'string', 'Name must be unique within a namespace.', 0, 'name'),
  column('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
  column('Status', 'string', 'The aggregate status of the containers in this pod.'),
  column('Restarts', 'string', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
  column('Age', 'string', 'CreationTimestamp is a timestamp representing the server time when this object was created.'),
  column('IP', 'string', 'IP address allocated to the pod.', 1),
  column('Node', 'string', 'NodeName is a request to schedule this pod onto a specific node.', 1),
];

const NAMESPACE_COLUMNS = [
  column('Name', 'string', 'Name must be unique within a namespace.', 0, 'name'),
  column('Status', 'string', 'The status of the namespace'),
  column('Age', 'string', 'CreationTimestamp is a timestamp representing the server time when this object was created.'),
];

/** A list of pods (or one) as a Table; `now` in ms. */
export function podTable(pods: Json[], resourceVersion: string, now: number, include: IncludeObject = 'Metadata'): Json {
  return table(POD_COLUMNS, pods, resourceVersion, include, (pod) => podCells(pod, now));
}

export function namespaceTable(namespaces: Json[], resourceVersion: string, now: number, include: IncludeObject = 'Metadata'): Json {
  return table(NAMESPACE_COLUMNS, namespaces, resourceVersion, include, (ns) => [meta(ns).name, (ns.status as Json | undefined)?.phase ?? 'Active', age(meta(ns).creationTimestamp, now)]);
}

function table(columnDefinitions: object[], objects: Json[], resourceVersion: string, include: IncludeObject, cells: (object: Json) => unknown[]): Json {
  const rowObject = (object: Json) =>
    include === 'Object' ? { object } : include === 'None' ? {} : { object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: object.metadata } };
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions,
    rows: objects.map((object) => ({ cells: cells(object), ...rowObject(object) })),
  };
}

const meta = (object: Json) => object.metadata as { name: string; creationTimestamp?: string; deletionTimestamp?: string };

function podCells(pod: Json, now: number): unknown[] {
  const spec = pod.spec as { containers: unknown[]; initContainers?: { name: string; restartPolicy?: string }[]; nodeName?: string };
  const status = (pod.status ?? {}) as { phase?: string; reason?: string; podIP?: string; containerStatuses?: Status[]; initContainerStatuses?: Status[] };
  // native sidecars (init containers that restart Always) count as the pod's containers, as kubectl 1.29+ counts them
  const sidecarNames = new Set((spec.initContainers ?? []).filter((c) => c.restartPolicy === 'Always').map((c) => c.name));
  const sidecars = (status.initContainerStatuses ?? []).filter((c) => sidecarNames.has(c.name ?? ''));
  const containers = [...(status.containerStatuses ?? []), ...sidecars];
  // while the pod initializes (deleted or not), the restarts are its init containers'; after, its containers' and sidecars'
  const initializing = podStatusText(status as PodStatusParts, spec.containers.length).startsWith('Init:');
  const restarting = initializing ? (status.initContainerStatuses ?? []) : containers;
  const restarts = restarting.reduce((sum, c) => sum + (c.restartCount ?? 0), 0);
  const lastRestart = restarting.map((c) => (c.lastState?.terminated as { finishedAt?: string } | undefined)?.finishedAt).filter((t): t is string => !!t).sort().at(-1);
  const ready = containers.filter((c) => c.ready).length;
  return [
    meta(pod).name,
    `${ready}/${spec.containers.length + sidecarNames.size}`,
    podStatusText(status as PodStatusParts, spec.containers.length, !!meta(pod).deletionTimestamp),
    lastRestart && restarts > 0 ? `${restarts} (${age(lastRestart, now)} ago)` : String(restarts),
    age(meta(pod).creationTimestamp, now),
    status.podIP ?? '<none>',
    spec.nodeName ?? '<none>',
  ];
}

/** A time since, as kubectl's AGE column writes it: 45s, 2m30s, 3h, 4d5h, 2y. */
export function age(since: string | undefined, now: number): string {
  if (!since) return '<unknown>';
  const seconds = Math.floor((now - Date.parse(since)) / 1000);
  if (Number.isNaN(seconds)) return '<unknown>';
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  const both = (big: number, bigUnit: string, small: number, smallUnit: string) => (small === 0 ? `${big}${bigUnit}` : `${big}${bigUnit}${small}${smallUnit}`);
  if (minutes < 10) return both(minutes, 'm', seconds % 60, 's');
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return both(hours, 'h', minutes % 60, 'm');
  if (hours < 48) return `${hours}h`;
  const days = Math.floor(hours / 24);
  if (hours < 24 * 8) return both(days, 'd', hours % 24, 'h');
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = Math.floor(days / 365);
  if (hours < 24 * 365 * 8) return both(years, 'y', days % 365, 'd');
  return `${years}y`;
}
