// A pod's status in one word, as kubectl's STATUS column says it (the API server's pod printer):
// a pod whose container crash-loops is in phase Running, and a dashboard that shows the phase
// shows it green. Worked out from the pod's status as the API gives it, for the sandbox's
// `kubectl get pods` table and for the pages' pod lists alike.

interface ContainerState {
  running?: unknown;
  waiting?: { reason?: string };
  terminated?: { exitCode?: number; reason?: string; signal?: number };
}

/** The parts of a pod's status (V1PodStatus, or its JSON) the STATUS column reads. */
export interface PodStatusParts {
  phase?: string;
  reason?: string;
  containerStatuses?: { ready?: boolean; state?: ContainerState }[];
  initContainerStatuses?: { ready?: boolean; state?: ContainerState }[];
}

const ended = (terminated: NonNullable<ContainerState['terminated']>) => terminated.reason || (terminated.signal ? `Signal:${terminated.signal}` : `ExitCode:${terminated.exitCode}`);

/**
 * An init container's progress or trouble, else the last container's waiting or ended reason,
 * else the phase; Terminating while a pod that has not finished is deleted. `containers`: the
 * pod's main containers, as its spec lists them.
 */
export function podStatusText(status: PodStatusParts, containers: number, deleting = false): string {
  if (deleting && status.reason === 'NodeLost') return 'Unknown';
  if (deleting && status.phase !== 'Succeeded' && status.phase !== 'Failed') return 'Terminating';
  const inits = status.initContainerStatuses ?? [];
  for (const [i, init] of inits.entries()) {
    const { terminated, waiting, running } = init.state ?? {};
    if (terminated?.exitCode === 0) continue;
    if (running && init.ready) continue; // a sidecar that has started
    if (terminated) return `Init:${ended(terminated)}`;
    if (waiting?.reason && waiting.reason !== 'PodInitializing') return `Init:${waiting.reason}`;
    return `Init:${i}/${inits.length}`;
  }
  let reason = status.reason || status.phase || 'Unknown';
  let running = false;
  for (const container of [...(status.containerStatuses ?? [])].reverse()) {
    const { waiting, terminated } = container.state ?? {};
    if (waiting?.reason) reason = waiting.reason;
    else if (terminated) reason = ended(terminated);
    else if (container.state?.running && container.ready) running = true;
  }
  // as kubectl 1.27–1.33 print it: the first container's Completed stands even when another one
  // failed (kubernetes#121563); only a container still running turns it back
  if (reason === 'Completed' && running) return containers > 0 && (status.containerStatuses ?? []).every((c) => c.ready) ? 'Running' : 'NotReady';
  return reason;
}

/** How a page colours a status: fine, on its way, or in trouble (a Failed pod always, whatever its reason says: Completed, DeadlineExceeded, …). */
export function podStatusTone(text: string, phase?: string): 'ok' | 'pending' | 'bad' {
  if (phase === 'Failed' || phase === 'Unknown') return 'bad';
  if (text === 'Running' || text === 'Completed' || text === 'Succeeded') return 'ok';
  if (/BackOff|Err|Error|Failed|OOMKilled|Signal:|ExitCode:|Evicted|Unknown|NotReady|Invalid/.test(text)) return 'bad';
  return 'pending';
}
