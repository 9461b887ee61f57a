// The debug copy of a pod, as a pure function of the pod: what `kubectl debug --copy-to` makes,
// plus what lets this server find and delete its own copies. The copy keeps the pod's containers
// and volumes; the chosen container sleeps instead of running its (crashing) command, so a shell
// can be exec'd into it; no probe restarts it; no label routes a Service's traffic to it; it is
// not owned by the pod's controller; it does not restart; and it says who made it, from what.
import type { V1Container, V1Pod } from '@kubernetes/client-node';

/** On every copy this server makes: how it finds its leftovers. */
export const DEBUG_COPY_LABEL = 'octant-exec.io/debug-copy';
/** the pod a copy was made from */
export const COPY_OF_ANNOTATION = 'octant-exec.io/copy-of';
/** who asked for it */
export const MADE_FOR_ANNOTATION = 'octant-exec.io/made-for';
/** keeps the container alive, doing nothing, for as long as a timer can say (about 68 years) */
export const KEEP_ALIVE_COMMAND = ['sleep', '2147483647'];

const MAX_POD_NAME = 253;

/** `<pod>-debug-<suffix>`, the pod's part shortened so the name stays a valid pod name. */
export function copyName(pod: string, suffix: string): string {
  const tail = `-debug-${suffix}`;
  return `${pod.slice(0, MAX_POD_NAME - tail.length).replace(/[-.]+$/, '')}${tail}`;
}

export function debugCopyOf(pod: V1Pod, container: string, name: string, requestedBy: string): V1Pod {
  const spec = pod.spec!;
  const withoutProbes = (c: V1Container): V1Container => {
    const { livenessProbe: _l, readinessProbe: _r, startupProbe: _s, ...rest } = c;
    return rest;
  };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: pod.metadata?.namespace,
      labels: { [DEBUG_COPY_LABEL]: 'true' },
      annotations: { [COPY_OF_ANNOTATION]: pod.metadata?.name ?? '', [MADE_FOR_ANNOTATION]: requestedBy },
    },
    spec: {
      ...spec,
      // the scheduler places it (the original's node may be what is wrong); old debug containers stay behind
      nodeName: undefined,
      ephemeralContainers: undefined,
      restartPolicy: 'Never',
      // native sidecars (restartable init containers) may have probes too: a failing startup probe holds every container back
      ...(spec.initContainers ? { initContainers: spec.initContainers.map(withoutProbes) } : {}),
      containers: spec.containers.map((c) => (c.name === container ? { ...withoutProbes(c), command: KEEP_ALIVE_COMMAND, args: undefined } : withoutProbes(c))),
    },
  };
}
