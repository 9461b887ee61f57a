// An exec upgrade from admission to process: checks first (nothing starts on a refusal), then
// the transport that matches the Upgrade header, then the process behind its channels. The front
// door (auth/front-door.ts) has already authenticated it and authorized its verb.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ClusterState } from '../api/cluster-state.ts';
import type { ExecTransport } from '../transports/exec-transport.ts';
import { admitExec, type Admitted } from './exec-admission.ts';
import { parseCorePath, checkNames, type CorePath } from '../api/api-routes.ts';
import { splitRequestUrl } from '../api/request-url.ts';
import { refuseUpgrade, refuseUpgradeWithStatus } from '../api/http-replies.ts';
import { badRequest, injectedFailure, pathNotFound } from '../api/kube-status.ts';
import { runExec } from './exec-session.ts';
import type { ExecProcesses } from '../processes/exec-processes.ts';
import type { ContainerRuntime } from '../containers/container-runtime.ts';
import type { RunningProcess } from '../processes/running-process.ts';
import type { ExecCounter } from './exec-counter.ts';
import { withFaults, type FaultPlan, type SandboxFaults } from '../faults/faults.ts';
import type { Authorizer } from '../rbac/authorizer.ts';
import type { Attributes } from '../rbac/attributes.ts';
import { authorize } from '../auth/front-door.ts';
import type { UserInfo } from '../auth/user-info.ts';

export interface ExecContext {
  state: ClusterState;
  runtime: ContainerRuntime;
  transports: ExecTransport[];
  sessions: ExecProcesses;
  /** each pod's running execs (key "ns/pod"), ended when the pod is deleted */
  podExecs: Map<string, Set<RunningProcess>>;
  /** counts the processes execs start, and how many run at once */
  execs: ExecCounter;
  faults: SandboxFaults;
  authorizer: Authorizer;
}

/** `caller`: who the upgrade acts as; `attributes`: what the front door authorized (`get` for a WebSocket's GET, `create` for SPDY's POST). */
export function handleExecUpgrade(ctx: ExecContext, caller: UserInfo, attributes: Attributes, req: IncomingMessage, socket: Duplex, head: Buffer): void {
  const target = checkStreamUpgrade(ctx.authorizer, caller, attributes, req, socket, 'exec');
  if (!target) return;
  const { path, url } = target;
  const admission = admitExec(ctx.state, path.namespace, path.name, url.searchParams);
  if ('refused' in admission) return refuseUpgradeWithStatus(socket, admission.refused);
  if ('kubeletRefused' in admission) return refuseUpgrade(socket, admission.kubeletRefused.code, admission.kubeletRefused.text, 'text/plain; charset=utf-8');

  const transport = transportFor(ctx.transports, req, socket);
  if (!transport) return;

  const { admitted } = admission;
  const plan = ctx.faults.planFor(admitted.pod.namespace, admitted.request.pod);
  if (plan?.execHttpStatus) return refuseUpgradeWithStatus(socket, injectedFailure(plan.execHttpStatus));
  if (plan?.upgradeDelayMs) {
    setTimeout(() => upgrade(ctx, transport, req, socket, head, admitted, plan), plan.upgradeDelayMs);
    return;
  }
  upgrade(ctx, transport, req, socket, head, admitted, plan);
}

/**
 * What an exec and an attach upgrade both pass after the front door: the path (404), names (400),
 * and for a WebSocket, `create` as well as `get` (403). Answers a refusal itself and returns
 * undefined; else the pod's path and the query.
 */
export function checkStreamUpgrade(authorizer: Authorizer, caller: UserInfo, attributes: Attributes, req: IncomingMessage, socket: Duplex, subresource: string): { path: Required<Pick<CorePath, 'namespace' | 'name'>>; url: ReturnType<typeof splitRequestUrl> } | undefined {
  const url = splitRequestUrl(req.url);
  const path = parseCorePath(url.pathname);
  if (!path || path.resource !== 'pods' || path.subresource !== subresource || !path.namespace || !path.name) {
    refuseUpgradeWithStatus(socket, pathNotFound());
    return undefined;
  }
  const badName = checkNames(path);
  if (badName) {
    refuseUpgradeWithStatus(socket, badName);
    return undefined;
  }
  // Kubernetes 1.35 (AuthorizePodWebsocketUpgradeCreatePermission): a WebSocket upgrade is a GET,
  // authorized as `get`, and must be allowed `create` as well, as SPDY's POST is.
  if (attributes.verb !== 'create') {
    const { refused } = authorize(authorizer, caller, { ...attributes, verb: 'create' });
    if (refused) {
      refuseUpgradeWithStatus(socket, refused);
      return undefined;
    }
  }
  return { path: { namespace: path.namespace, name: path.name }, url };
}

/** The transport for this upgrade, or undefined after a 400 that lets kubectl fall back to SPDY (nothing has started). */
export function transportFor(transports: ExecTransport[], req: IncomingMessage, socket: Duplex): ExecTransport | undefined {
  const transport = transports.find((t) => t.accepts(req));
  if (!transport) refuseUpgradeWithStatus(socket, badRequest(`unsupported upgrade "${req.headers.upgrade ?? ''}": this server serves exec over ${transports.map((t) => t.name).join(', ') || 'nothing'}`));
  return transport;
}

function upgrade(ctx: ExecContext, transport: ExecTransport, req: IncomingMessage, socket: Duplex, head: Buffer, admitted: Admitted, plan: FaultPlan | undefined): void {
  const { request, pod, container } = admitted;
  const podKey = `${pod.namespace}/${pod.object.metadata.name as string}`;
  transport.upgrade(req, socket, head, (channels) => {
    ctx.execs.begun();
    void runExec(request, ctx.runtime.prepareExec(pod, container, request.argv), withFaults(channels, plan), {
      sessions: ctx.sessions,
      onStarted(proc) {
        ctx.execs.started();
        const execs = ctx.podExecs.get(podKey) ?? new Set<RunningProcess>();
        execs.add(proc);
        ctx.podExecs.set(podKey, execs);
        // A pod deleted while its process was starting: end it at once.
        if (!ctx.state.pod(pod.namespace, request.pod)) proc.end();
      },
      onEnded(proc) {
        if (proc === undefined) return;
        ctx.execs.ended();
        ctx.podExecs.get(podKey)?.delete(proc);
      },
      onStdinHeld: (bytes, paused) => ctx.execs.stdinHeld(bytes, paused),
    });
  });
}
