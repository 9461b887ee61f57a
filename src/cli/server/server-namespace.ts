// The namespace a command means when it names none: the one of the server's kubeconfig context
// (--context, else its current one), read from GET /api/v1/contexts, as kubectl takes the
// namespace of its context. The server's, not this machine's kubeconfig: the server is what finds
// the pod. One word for exec, attach, debug, cp and their completion.
import { nameProblem } from '../../domain/names.ts';
import type { ContextsReply } from '../../protocol/index.ts';
import { callServerJson, type ServerAccess } from './server-client.ts';

/** kubectl's, when the context names no namespace */
export const FALLBACK_NAMESPACE = 'default';

/** Throws the ServerError of a server that cannot be asked; a context it does not list gets "default" (the call that follows names the context as unknown). */
export async function serverNamespace(access: ServerAccess, context: string | undefined): Promise<string> {
  const reply = await callServerJson<ContextsReply>(access, 'GET', '/api/v1/contexts');
  const contexts = Array.isArray(reply?.contexts) ? reply.contexts : [];
  const chosen = contexts.find((c) => (context === undefined ? c?.current === true : c?.name === context));
  const namespace = chosen?.namespace;
  // a name from the server goes into a path and a sentence: a namespace name, or none
  return typeof namespace === 'string' && !nameProblem('namespace', namespace) ? namespace : FALLBACK_NAMESPACE;
}
