// Before any exec request: the target's names checked (nothing odd reaches a URL), the person to
// act as checked (nothing odd reaches a header line), and the kubeconfig of its context found,
// impersonating that person when there is one. Shared by the WebSocket and SPDY adapters.
import type { KubeConfig } from '@kubernetes/client-node';
import { nameProblem } from '../../domain/names.ts';
import type { Person } from '../../domain/person.ts';
import type { ExecFailure, ExecTarget } from '../../domain/target.ts';
import { impersonating, personProblem } from './impersonation.ts';
import type { KubeContexts } from './kubeconfig.ts';

export function configForExec(contexts: KubeContexts, target: ExecTarget, person?: Person): { config: KubeConfig } | { failure: ExecFailure } {
  for (const [kind, value] of [['namespace', target.namespace], ['pod', target.pod], ['container', target.container]] as const) {
    const problem = nameProblem(kind, value);
    if (problem) return { failure: { reason: 'notFound', message: problem } };
  }
  const problem = person && personProblem(person);
  if (problem) return { failure: { reason: 'unknown', message: `${problem} Nothing was sent; sign in again.` } };
  try {
    const config = contexts.config(target.context);
    return { config: person ? impersonating(config, person) : config };
  } catch (error) {
    return { failure: { reason: 'unknown', message: String((error as Error).message) } };
  }
}
