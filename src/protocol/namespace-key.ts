// One key per (kube context, namespace) pair: what the page watches and what the server relays.
// The context is optional (the server's current one); NUL separates, as no name can hold it.
export function namespaceKey(context: string | undefined, namespace: string): string {
  return `${context ?? ''}\u0000${namespace}`;
}
