// An attach upgrade (`/api/v1/namespaces/NS/pods/NAME/attach`) from admission to the main
// process: the same checks and transports as exec (exec-upgrade.ts), then the attach session.
// Nothing is started: the process is the container's own, and outlives the attach.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { refuseUpgrade, refuseUpgradeWithStatus } from '../api/http-replies.ts';
import { checkStreamUpgrade, transportFor, type ExecContext } from '../exec/exec-upgrade.ts';
import type { MainProcesses } from '../containers/main-processes.ts';
import { withFaults } from '../faults/faults.ts';
import type { Attributes } from '../rbac/attributes.ts';
import type { UserInfo } from '../auth/user-info.ts';
import { admitAttach } from './attach-admission.ts';
import { runAttach } from './attach-session.ts';

export interface AttachContext extends ExecContext {
  mainProcesses: MainProcesses;
}

export function handleAttachUpgrade(ctx: AttachContext, caller: UserInfo, attributes: Attributes, req: IncomingMessage, socket: Duplex, head: Buffer): void {
  const target = checkStreamUpgrade(ctx.authorizer, caller, attributes, req, socket, 'attach');
  if (!target) return;
  const admission = admitAttach(ctx.state, target.path.namespace, target.path.name, target.url.searchParams);
  if ('refused' in admission) return refuseUpgradeWithStatus(socket, admission.refused);
  if ('kubeletRefused' in admission) return refuseUpgrade(socket, admission.kubeletRefused.code, admission.kubeletRefused.text, 'text/plain; charset=utf-8');
  const transport = transportFor(ctx.transports, req, socket);
  if (!transport) return;
  const { request, pod, container } = admission.admitted;
  const plan = ctx.faults.planFor(pod.namespace, request.pod);
  // A running container's main process is started with its pod; one started late is started now.
  const main = ctx.mainProcesses.find(pod.namespace, request.pod, container.name) ?? ctx.mainProcesses.start(pod, container);
  transport.upgrade(req, socket, head, (channels) => runAttach(request, container.stdinOnce === true, main, withFaults(channels, plan)));
}
