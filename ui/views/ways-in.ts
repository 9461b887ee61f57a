// Which of the Pod view's ways into a pod open a terminal now, so its advice names only those: a
// disabled Shell, an Exec with no running container to pick (its dialog's Run stays off), or a
// Debug copy not offered is no advice.
import type { PodSummary } from '../../src/protocol/index.ts';
import { execableContainers, needsDebugCopy } from '../../src/domain/pod.ts';

export interface WaysIn {
  shell: boolean;
  exec: boolean;
  debugCopy: boolean;
}

/** `allowed`: the cluster lets this person exec in the namespace (permission.tsx). */
export function waysIn(pod: PodSummary | undefined, allowed: boolean): WaysIn {
  const main = pod?.containers.find((c) => c.name === pod.defaultContainer);
  return {
    shell: allowed && main?.state === 'running',
    exec: allowed && !!pod && execableContainers(pod).length > 0,
    debugCopy: allowed && !!pod && !!main && needsDebugCopy(pod),
  };
}

/** The words for the ways that work, in the order given. */
function wordsFor(ways: WaysIn, words: Partial<Record<keyof WaysIn, string>>): string[] {
  return (Object.keys(words) as (keyof WaysIn)[]).filter((way) => ways[way]).map((way) => words[way]!);
}

/** After "Shell is off": where else to go, naming only the ways that work ("" when none does). */
export function otherWaysIn(ways: WaysIn): string {
  const others = wordsFor(ways, { exec: 'Exec to pick a running container', debugCopy: 'Debug copy for a shell in a copy of this pod' });
  return others.length ? `; use ${others.join(', or ')}` : '';
}

/** What the Pod view says while the pod has no terminals, naming the ways in that work. */
export function noTerminalsAdvice(ways: WaysIn): string {
  const names = wordsFor(ways, { shell: 'Shell', exec: 'Exec', debugCopy: 'Debug copy' });
  if (names.length === 0) return 'No terminals in this pod yet.';
  const last = names.pop()!;
  return `No terminals in this pod yet: use ${names.length ? `${names.join(', ')} or ${last}` : last}.`;
}
