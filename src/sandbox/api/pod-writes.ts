// The writes to pods besides delete: create (POST …/pods, JSON or protobuf, as kubectl sends it)
// and the ephemeralcontainers subresource (GET; PATCH in all three patch formats, as kubectl
// debug sends a strategic merge patch; PUT of a whole pod). Each answers at once with the stored
// pod and hands it to the kubelet, whose status updates follow as MODIFIED events.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiContext } from './api-routes.ts';
import { sendJson, sendStatus } from './http-replies.ts';
import { alreadyExists, exceededPodQuota, methodNotAllowed, notFound } from './kube-status.ts';
import { podToCreate } from './pod-create.ts';
import { inlineEmbeddedFields, POD_PROTOBUF } from './pod-protobuf.ts';
import { podStatus, timestamp } from './pod-objects.ts';
import { readBody, readObjectBody } from './request-body.ts';
import { applyPatch } from './patches.ts';
import { updateEphemeralContainers } from './ephemeral-containers.ts';
import { ephemeralFromSpec, fixtureFromPod } from '../kubelet/pod-fixture.ts';
import { inStartOrder } from '../fixture/start-order.ts';

const POD_BODY = { kind: 'Pod', apiVersion: 'v1', protobuf: POD_PROTOBUF };
/** A Pod body, JSON or protobuf, in the JSON shape. */
const readPod = async (req: IncomingMessage) => {
  const read = await readObjectBody(req, POD_BODY);
  return 'value' in read ? { value: inlineEmbeddedFields(read.value) } : read;
};

export async function createPod(ctx: ApiContext, namespace: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const read = await readPod(req);
  if ('refused' in read) return sendStatus(res, read.refused);
  if (!ctx.state.hasNamespace(namespace)) return sendStatus(res, notFound('namespaces', namespace));
  const now = timestamp(new Date());
  const made = podToCreate(namespace, read.value, now);
  if ('refused' in made) return sendStatus(res, made.refused);
  const name = String(made.pod.metadata.name);
  // Each pod is processes and files on this machine: a quota, checked before storage as the API server's admission does.
  if (ctx.state.createdPodCount >= ctx.createdPodsLimit) return sendStatus(res, exceededPodQuota(name, ctx.state.createdPodCount, ctx.createdPodsLimit));
  if (ctx.state.pod(namespace, name)) return sendStatus(res, alreadyExists('pods', name));
  // Behind an init container that has not completed or (a sidecar) started, the rest wait in PodInitializing.
  const fixture = inStartOrder(fixtureFromPod(made.pod));
  const pod = ctx.state.addPod(namespace, fixture, { ...made.pod, status: podStatus(fixture, now) });
  sendJson(res, 201, pod.object);
  void ctx.kubelet.runPod(pod);
}

export async function ephemeralContainers(ctx: ApiContext, namespace: string, name: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = req.method ?? 'GET';
  if (!['GET', 'PATCH', 'PUT'].includes(method)) return sendStatus(res, methodNotAllowed());
  const read = method === 'PUT' ? await readPod(req) : method === 'PATCH' ? await readBody(req) : undefined;
  if (read && 'refused' in read) return sendStatus(res, read.refused);
  const pod = ctx.state.pod(namespace, name);
  if (!pod) return sendStatus(res, notFound('pods', name));
  if (!read) return sendJson(res, 200, pod.object);

  const patched = 'value' in read ? { patched: read.value } : applyPatch(req.headers['content-type'] ?? '', pod.object, read.bytes);
  if ('refused' in patched) return sendStatus(res, patched.refused);
  const checked = updateEphemeralContainers(pod.object, patched.patched);
  if ('refused' in checked) return sendStatus(res, checked.refused);
  const added = checked.update.added.map(ephemeralFromSpec);
  const updated = ctx.state.updatePod(namespace, name, (current) => {
    const fixture = { ...current.fixture, ephemeralContainers: [...(current.fixture.ephemeralContainers ?? []), ...added] };
    const startTime = String(current.object.metadata.creationTimestamp);
    const spec = { ...(current.object.spec as object), ephemeralContainers: checked.update.containers };
    return { ...current, fixture, object: { ...current.object, spec, status: podStatus(fixture, startTime) } };
  });
  if (!updated) return sendStatus(res, notFound('pods', name));
  sendJson(res, 200, updated.object);
  for (const container of added) void ctx.kubelet.runEphemeral(updated, container);
}
