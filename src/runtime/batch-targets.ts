// From "these pods" or "pods matching this selector", and "this container" or "all containers",
// to the containers a batch runs in, and the ones it must report as skipped (with why).
import type { SkippedTarget } from '../domain/batch.ts';
import { execableContainers, notExecableReason, runsWithPod, type PodSummary } from '../domain/pod.ts';
import type { ExecTarget } from '../domain/target.ts';

export interface PodSource {
  pods(namespace: string, options: { context?: string; labelSelector?: string }): Promise<PodSummary[]>;
  pod(namespace: string, name: string, context?: string): Promise<PodSummary>;
}

export interface BatchSelection {
  context?: string;
  namespace: string;
  /** either pods by name… */
  pods?: string[];
  /** …or a label selector */
  labelSelector?: string;
  /** one container by name, every container, or (neither) each pod's default container */
  container?: string;
  allContainers?: boolean;
}

export async function resolveBatchTargets(source: PodSource, selection: BatchSelection): Promise<{ targets: ExecTarget[]; skipped: SkippedTarget[] }> {
  const targets: ExecTarget[] = [];
  const skipped: SkippedTarget[] = [];
  const where = (pod: string, container: string): ExecTarget => ({ ...(selection.context ? { context: selection.context } : {}), namespace: selection.namespace, pod, container });
  // each pod in the order asked, a missing one's place kept among the others' results
  const pods: (PodSummary | string)[] = [];
  if (selection.pods?.length) {
    for (const name of selection.pods) {
      try {
        pods.push(await source.pod(selection.namespace, name, selection.context));
      } catch (error) {
        // a missing pod is a result; a refusal or an unreachable cluster is the batch's failure
        if ((error as { status?: number }).status !== 404) throw error;
        pods.push(name);
      }
    }
  } else {
    pods.push(...(await source.pods(selection.namespace, { context: selection.context, labelSelector: selection.labelSelector })));
  }
  for (const pod of pods) {
    if (typeof pod === 'string') {
      skipped.push({ target: where(pod, selection.container ?? '*'), reason: `Pod "${pod}" was not found in namespace "${selection.namespace}".` });
      continue;
    }
    const wanted = selection.allContainers
      ? pod.containers.filter(runsWithPod).map((c) => c.name)
      : [selection.container ?? pod.defaultContainer ?? ''];
    const runnable = new Set(execableContainers(pod));
    for (const container of wanted) {
      if (runnable.has(container)) targets.push(where(pod.name, container));
      else skipped.push({ target: where(pod.name, container), reason: notExecableReason(pod, container) ?? `Container "${container}" cannot be exec'd into.` });
    }
  }
  return { targets, skipped };
}
