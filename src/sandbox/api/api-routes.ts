// The API subset: discovery, namespaces, pods list/get/watch/delete, pod creation and the
// ephemeralcontainers subresource (pod-writes.ts), and the review APIs (group-routes.ts). Every
// request here has passed the front door (auth/front-door.ts). Exec and attach arrive as upgrades
// (exec-upgrade.ts, attach-upgrade.ts); a plain request to either gets 400. pods/log is pod-log.ts.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ClusterState, WatchEvent } from './cluster-state.ts';
import { API_GROUP_LIST, CORE_V1_RESOURCES, SERVER_VERSION, apiVersions } from './discovery.ts';
import { sendJson, sendStatus } from './http-replies.ts';
import { badRequest, methodNotAllowed, notFound, pathNotFound, type StatusError } from './kube-status.ts';
import { isValidName } from '../../domain/names.ts';
import { podFilter } from './pod-queries.ts';
import { includeObject, namespaceTable, podTable, wantsTable } from './pod-table.ts';
import { splitRequestUrl } from './request-url.ts';
import { handleGroupRequest } from './group-routes.ts';
import { isWatch } from '../auth/request-attributes.ts';
import type { Access } from '../auth/front-door.ts';
import type { UserInfo } from '../auth/user-info.ts';
import type { SandboxKubelet } from '../kubelet/kubelet.ts';
import { createPod, ephemeralContainers } from './pod-writes.ts';
import type { MainProcesses } from '../containers/main-processes.ts';
import { handlePodLog } from './pod-log.ts';

export interface ApiContext {
  state: ClusterState;
  hostPort: string;
  /** open watch responses, ended when the sandbox closes */
  watches: Set<ServerResponse>;
  /** tokens and authorizer, for the reviews */
  access: Access;
  /** the most pods made through the API that may exist at once (createdPodsLimit) */
  createdPodsLimit: number;
  /** runs what the writes create (pods, ephemeral containers) */
  kubelet: SandboxKubelet;
  /** the containers' main processes, whose output pods/log serves */
  mainProcesses: MainProcesses;
}

/** `/api/v1/namespaces/NS/pods/NAME/SUB` split into its parts (undefined when absent). */
export interface CorePath {
  namespace?: string;
  resource?: string;
  name?: string;
  subresource?: string;
}

export function parseCorePath(pathname: string): CorePath | undefined {
  const m = /^\/api\/v1(?:\/namespaces\/([^/]+))?(?:\/([^/]+)(?:\/([^/]+)(?:\/([^/]+))?)?)?\/?$/.exec(pathname);
  if (!m) return undefined;
  let parts: (string | undefined)[];
  try {
    parts = m.slice(1).map((p) => (p === undefined ? undefined : decodeURIComponent(p)));
  } catch {
    return undefined; // malformed percent-encoding
  }
  const [namespace, resource, name, subresource] = parts;
  // `/api/v1/namespaces/NS` is the namespace itself, not a namespaced collection.
  if (namespace !== undefined && resource === undefined) return { resource: 'namespaces', name: namespace };
  return { namespace, resource, name, subresource };
}

/** 400 for names that cannot exist, before any lookup. */
export function checkNames(path: CorePath): StatusError | undefined {
  if (path.namespace !== undefined && !isValidName('namespace', path.namespace)) return badRequest(`invalid namespace name "${path.namespace}": must be a DNS-1123 label`);
  if (path.resource === 'namespaces' && path.name !== undefined && !isValidName('namespace', path.name)) return badRequest(`invalid namespace name "${path.name}": must be a DNS-1123 label`);
  if (path.resource === 'pods' && path.name !== undefined && !isValidName('pod', path.name)) return badRequest(`invalid pod name "${path.name}": must be a DNS-1123 subdomain`);
  return undefined;
}

/** Answers a request that the front door admitted; `caller` is who it acts as. */
export function handleApiRequest(ctx: ApiContext, caller: UserInfo, req: IncomingMessage, res: ServerResponse): void {
  const url = splitRequestUrl(req.url);
  const method = req.method ?? 'GET';
  const get = method === 'GET';
  switch (url.pathname.replace(/\/$/, '')) {
    case '/version':
      return get ? sendJson(res, 200, SERVER_VERSION) : sendStatus(res, methodNotAllowed());
    case '/api':
      return get ? sendJson(res, 200, apiVersions(ctx.hostPort)) : sendStatus(res, methodNotAllowed());
    case '/apis':
      return get ? sendJson(res, 200, API_GROUP_LIST) : sendStatus(res, methodNotAllowed());
    case '/api/v1':
      return get ? sendJson(res, 200, CORE_V1_RESOURCES) : sendStatus(res, methodNotAllowed());
  }
  if (url.pathname.startsWith('/apis/')) return handleGroupRequest({ caller, ...ctx.access }, req, res, url.pathname);
  const path = parseCorePath(url.pathname);
  if (!path) return sendStatus(res, pathNotFound());
  const badName = checkNames(path);
  if (badName) return sendStatus(res, badName);

  if (path.resource === 'namespaces' && get) return namespaces(ctx, path, req, res);
  if (path.resource === 'pods' && path.subresource === undefined) {
    if (get && path.name === undefined) return listOrWatchPods(ctx, caller, path.namespace, url.searchParams, req, res);
    if (method === 'POST' && path.name === undefined && path.namespace !== undefined) return void createPod(ctx, path.namespace, req, res);
    if (path.namespace !== undefined && path.name !== undefined && (get || method === 'DELETE')) {
      const pod = method === 'DELETE' ? ctx.state.deletePod(path.namespace, path.name) : ctx.state.pod(path.namespace, path.name);
      if (pod && get && wantsTable(req)) return sendJson(res, 200, podTable([pod.object], ctx.state.resourceVersion, Date.now(), includeObject(req)));
      return pod ? sendJson(res, 200, pod.object) : sendStatus(res, notFound('pods', path.name));
    }
  }
  if (path.resource === 'pods' && path.subresource === 'ephemeralcontainers' && path.namespace !== undefined && path.name !== undefined) {
    return void ephemeralContainers(ctx, path.namespace, path.name, req, res);
  }
  if (path.resource === 'pods' && path.subresource === 'log' && get && path.namespace !== undefined && path.name !== undefined) {
    return handlePodLog(ctx.state, ctx.mainProcesses, path.namespace, path.name, url.searchParams, req, res);
  }
  if (path.resource === 'pods' && (path.subresource === 'exec' || path.subresource === 'attach')) {
    // What the API server says to an exec request that did not ask to upgrade.
    return sendStatus(res, badRequest('Upgrade request required'));
  }
  return sendStatus(res, path.resource === 'pods' || path.resource === 'namespaces' ? methodNotAllowed() : pathNotFound());
}

function namespaces(ctx: ApiContext, path: CorePath, req: IncomingMessage, res: ServerResponse): void {
  const asTable = (items: Record<string, unknown>[]) => namespaceTable(items, ctx.state.resourceVersion, Date.now(), includeObject(req));
  if (path.name === undefined) {
    const items = ctx.state.namespaces();
    return sendJson(res, 200, wantsTable(req) ? asTable(items) : { kind: 'NamespaceList', apiVersion: 'v1', metadata: { resourceVersion: ctx.state.resourceVersion }, items });
  }
  const ns = ctx.state.namespace(path.name);
  if (ns && wantsTable(req)) return sendJson(res, 200, asTable([ns]));
  return ns ? sendJson(res, 200, ns) : sendStatus(res, notFound('namespaces', path.name));
}

function listOrWatchPods(ctx: ApiContext, caller: UserInfo, namespace: string | undefined, query: URLSearchParams, req: IncomingMessage, res: ServerResponse): void {
  const filter = podFilter(query);
  if (typeof filter !== 'function') return sendStatus(res, filter);
  const pods = ctx.state.pods(namespace).map((p) => p.object).filter(filter); // in etcd's key order, as the API server lists them
  if (!isWatch(query)) {
    if (wantsTable(req)) return sendJson(res, 200, podTable(pods, ctx.state.resourceVersion, Date.now(), includeObject(req)));
    return sendJson(res, 200, { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: ctx.state.resourceVersion }, items: pods });
  }

  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', 'Transfer-Encoding': 'chunked' });
  // The headers go now, as the API server sends them, not with the first event (which may never
  // come): a client's watch is open, and can be stopped, from this moment.
  res.flushHeaders();
  // The sandbox's close ends open watches at once; their 'close' (which unsubscribes) comes a
  // tick later, and pods ended by the close still report meanwhile.
  // a client that asked for a Table (kubectl get -w) gets each pod as a one-row Table, the columns in the first only, as the API server sends them
  let columnsSent = false;
  const include = includeObject(req); // read once, not per event
  const asTable = (object: Record<string, unknown>) => {
    const one = podTable([object], ctx.state.resourceVersion, Date.now(), include);
    if (columnsSent) one.columnDefinitions = [];
    columnsSent = true;
    return one;
  };
  const table = wantsTable(req);
  const write = (event: WatchEvent) => void (!res.writableEnded && res.write(`${JSON.stringify(table ? { ...event, object: asTable(event.object) } : event)}\n`));
  // A watch that starts from a list's resourceVersion wants only what came after it; one
  // without (or with "0") first gets every current pod as ADDED, as the API server sends it.
  const fromVersion = query.get('resourceVersion');
  if (!fromVersion || fromVersion === '0') for (const pod of pods) write({ type: 'ADDED', object: pod });
  else for (const event of ctx.state.eventsSince(Number(fromVersion), namespace)) if (filter(event.object)) write(event);
  const unsubscribe = ctx.state.watchPods(namespace, caller.username, (event) => filter(event.object) && write(event));
  ctx.watches.add(res);
  const end = () => {
    unsubscribe();
    ctx.watches.delete(res);
    if (!res.writableEnded) res.end();
  };
  const timeoutSeconds = Number(query.get('timeoutSeconds'));
  if (timeoutSeconds > 0) setTimeout(end, timeoutSeconds * 1000).unref?.();
  req.on('close', end);
  res.on('close', end);
}
