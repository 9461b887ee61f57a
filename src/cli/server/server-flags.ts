// The flags every client of a running server takes: where the server is and its credential, and
// which container (in which namespace and kube context) a command acts on. One wording for cp,
// exec, attach and debug.
import type { FlagSpec } from '../flags.ts';

export const serverFlags = {
  server: { type: 'string', value: 'URL', help: 'the octant-exec server (default: $OCTANT_EXEC_URL)' },
  'token-file': { type: 'string', value: 'FILE', help: "a file holding the server's token (default: $OCTANT_EXEC_TOKEN)", completes: 'file' },
  'cookie-file': { type: 'string', value: 'FILE', help: "a team mode's session cookie as NAME=VALUE, copied from a browser\n(default: the sign-in `octant-exec sign-in` kept for the server)", completes: 'file' },
} as const satisfies Record<string, FlagSpec>;

export const targetFlags = {
  container: { type: 'string', short: 'c', value: 'NAME', help: "the container (default: the pod's default container)", completes: 'container' },
  namespace: { type: 'string', short: 'n', value: 'NS', help: "namespace of a POD given without one (default: the server context's)", completes: 'namespace' },
  context: { type: 'string', value: 'NAME', help: "the server's kubeconfig context to use (default: its current one)", completes: 'context' },
} as const satisfies Record<string, FlagSpec>;

/** How the terminal commands read their POD, for their help's footer. */
export const podOperandNote = `POD is NAME, NAMESPACE/NAME (as cp takes it) or pod/NAME (as kubectl exec takes it); a
workload's TYPE/NAME (deploy/web) is refused: name one of its pods.`;

/** How to reach the server, for the footer of each client command's help. */
export const serverFooter = `The server and its token: \`octant-exec --json\` prints both ({"url", "token"}); set
OCTANT_EXEC_URL and OCTANT_EXEC_TOKEN from them (the token is never a command-line argument).
A team's server (kube-token or oidc mode): \`octant-exec sign-in --server URL\` once, as yourself.`;
