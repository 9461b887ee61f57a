// Before any exec request: the target's names checked (nothing odd reaches a URL) and the
// kubeconfig of its context found. Shared by the WebSocket and SPDY adapters.
import type { KubeConfig } from '@kubernetes/client-node';
import { nameProblem } from '../../domain/names.ts';
import type { ExecFailure, ExecTarget } from '../../domain/target.ts';
import type { KubeContexts } from './kubeconfig.ts';

export function configForExec(contexts: KubeContexts, target: ExecTarget): { config: KubeConfig } | { failure: ExecFailure } {
  for (const [kind, value] of [['namespace', target.namespace], ['pod', target.pod], ['container', target.container]] as const) {
    const problem = nameProblem(kind, value);
    if (problem) return { failure: { reason: 'notFound', message: problem } };
  }
  try {
    return { config: contexts.config(target.context) };
  } catch (error) {
    return { failure: { reason: 'unknown', message: String((error as Error).message) } };
  }
}
