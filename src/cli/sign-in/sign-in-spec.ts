// The flags of `octant-exec sign-in`. Plain data, loaded for --help and completion without the client code.
import type { CommandSpec } from '../flags.ts';
import { serverFlags } from '../server/server-flags.ts';

export const signInSpec = {
  name: 'sign-in',
  usage: 'octant-exec sign-in [options]',
  summary: "sign in as yourself to a team's server (kube-token mode), for the commands after",
  about: `Trades your Kubernetes token for a session of an octant-exec server in kube-token mode, as
pasting it on its sign-in page does, and keeps the session for exec, attach, debug, cp and
people to use with that server. The token is the one your kubeconfig's user sends to its
cluster (a token, a token file, or a credential plugin such as gke-gcloud-auth-plugin or aws
eks get-token), or --kube-token-file's. It goes once to the server, which asks the cluster
whose it is, and is not kept; the session is, readable by you alone, in
$XDG_STATE_HOME/octant-exec/sign-ins (default ~/.local/state/octant-exec/sign-ins).`,
  flags: {
    json: { type: 'boolean', help: 'who you are, as one JSON object on stdout (never the session)' },
    server: serverFlags.server,
    'kube-token-file': { type: 'string', value: 'FILE', help: "a file holding your token instead of the kubeconfig's (- for stdin:\nkubectl create token … | octant-exec sign-in --kube-token-file -)", completes: 'file' },
    kubeconfig: { type: 'string', value: 'FILE', help: "(default: $KUBECONFIG's files, merged; else ~/.kube/config)", completes: 'file' },
    context: { type: 'string', value: 'NAME', help: 'the kubeconfig context whose user you are (default: the current one)', completes: 'context' },
  },
  footer: `The session lasts as long as the server gives (8 hours, or until the token's own expiry);
\`octant-exec sign-out\` ends it sooner. Over plain http the token would cross the network for
anyone on the way to read: the server must be https://, or on this machine (a port-forward).
In oidc mode, sign in on the page and give its session cookie with --cookie-file instead.
Exit status: 0 when signed in; 1 when the server or the cluster refused, or the server could not
be reached (the sentence on stderr); 2 for a usage error.`,
} as const satisfies CommandSpec;
