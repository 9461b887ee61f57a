// A pod's status as kubectl's STATUS column says it (CrashLoopBackOff, Init:0/1, …), coloured by
// how it goes; its phase, which can say Running of a pod whose container keeps crashing, on hover.
import { podStatusTone } from '../../src/domain/pod-status.ts';
import type { PodSummary } from '../../src/domain/pod.ts';

export function PodStatus({ pod }: { pod: Pick<PodSummary, 'phase' | 'status'> }) {
  return (
    // a replica of an older version sends no status: its phase then
    <span class={`phase phase-${podStatusTone(pod.status ?? pod.phase, pod.phase)}`} title={`phase ${pod.phase}`}>
      {pod.status ?? pod.phase}
    </span>
  );
}
