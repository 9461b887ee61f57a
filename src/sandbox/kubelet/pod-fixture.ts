// What the runtime runs for a pod created through the API: its spec read as a fixture pod, each
// container's image looked up in the catalogue (its shells and tools), its command, args, stdin,
// tty and plain env values kept. A container whose image is not in the catalogue never starts:
// it waits in ErrImagePull.
import type { ContainerFixture, ContainerStateFixture, EphemeralContainerFixture, PodFixture } from '../fixture/fixture.ts';
import type { KubeObject } from '../api/pod-objects.ts';
import { catalogueImage, imagePullMessage } from '../containers/image-catalogue.ts';
import { COMPLETED } from '../fixture/start-order.ts';
import { isSidecar } from '../../domain/pod.ts';

type Json = Record<string, unknown>;

/** The state of a container the kubelet is about to start: creating, or its image cannot be pulled. */
export function startingState(image: string): ContainerStateFixture {
  return catalogueImage(image) ? { waiting: { reason: 'ContainerCreating' } } : { waiting: { reason: 'ErrImagePull', message: imagePullMessage(image) } };
}

/** The main process's argv, as a runtime makes it: command and args, else args alone (no image here has an ENTRYPOINT), else the image's CMD. */
function mainArgv(spec: Json, cmd: string[] | undefined): string[] | undefined {
  const list = (value: unknown) => (Array.isArray(value) && value.length > 0 ? (value as string[]) : undefined);
  const command = list(spec.command);
  const args = list(spec.args);
  if (command) return [...command, ...(args ?? [])];
  return args ?? cmd;
}

export function containerFromSpec(spec: Json): ContainerFixture {
  const image = String(spec.image);
  const env = Array.isArray(spec.env) ? (spec.env as Json[]).filter((e) => typeof e.value === 'string').map((e) => [String(e.name), String(e.value)]) : [];
  const { shells, tools, cmd } = catalogueImage(image) ?? { shells: [], tools: [] };
  const argv = mainArgv(spec, cmd);
  return {
    name: String(spec.name),
    image,
    shells,
    tools,
    env: Object.fromEntries(env),
    ...(argv ? { command: argv } : {}),
    stdin: spec.stdin === true,
    stdinOnce: spec.stdinOnce === true,
    tty: spec.tty === true,
    state: startingState(image),
  };
}

/**
 * An init container of a created pod: a native sidecar (restartPolicy: Always) to start; a plain
 * one shown completed (the sandbox does not run plain init containers), unless its image cannot be
 * pulled: it then holds the pod, as it would on a node.
 */
function initContainerFromSpec(spec: Json): ContainerFixture {
  const container = containerFromSpec(spec);
  if (isSidecar(spec)) return { ...container, restartPolicy: 'Always' };
  return catalogueImage(container.image ?? '') ? { ...container, state: COMPLETED } : container;
}

export function ephemeralFromSpec(spec: Json): EphemeralContainerFixture {
  return { ...containerFromSpec(spec), ...(typeof spec.targetContainerName === 'string' && spec.targetContainerName ? { targetContainerName: spec.targetContainerName } : {}) };
}

/** The pod's spec as the kubelet reads it: each container in the state it gets to when started (creating, or an image pull failed), before the start order holds any back. */
export function fixtureFromPod(pod: KubeObject): PodFixture {
  const spec = pod.spec as Json;
  const list = (name: string) => (Array.isArray(spec[name]) ? (spec[name] as Json[]) : []);
  return {
    name: String(pod.metadata.name),
    labels: (pod.metadata.labels as Record<string, string> | undefined) ?? {},
    annotations: (pod.metadata.annotations as Record<string, string> | undefined) ?? {},
    shareProcessNamespace: spec.shareProcessNamespace === true,
    containers: list('containers').map(containerFromSpec),
    // In the order given; start-order.ts says which of them (and whether the main containers) may start.
    ...(list('initContainers').length ? { initContainers: list('initContainers').map(initContainerFromSpec) } : {}),
  };
}
