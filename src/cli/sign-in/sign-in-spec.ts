// The flags of `octant-exec sign-in`. Plain data, loaded for --help and completion without the client code.
import type { CommandSpec } from '../flags.ts';
import { serverFlags } from '../server/server-flags.ts';

export const signInSpec = {
  name: 'sign-in',
  usage: 'octant-exec sign-in [options]',
  summary: "sign in as yourself to a team's server, for the commands that follow",
  about: `Gets a session of an octant-exec server in a team mode and keeps it for exec, attach, debug,
cp and people to use with that server, readable by you alone, in
$XDG_STATE_HOME/octant-exec/sign-ins (default ~/.local/state/octant-exec/sign-ins).
In kube-token mode it trades your Kubernetes token, as pasting it on the sign-in page does: the
one your kubeconfig's user sends to its cluster (a token, a token file, or a credential plugin
such as gke-gcloud-auth-plugin or aws eks get-token), or --kube-token-file's. It goes once to
the server, which asks the cluster whose it is, and is not kept.
With --browser (and always in oidc mode) you allow it instead on the server's page, in a browser
where you are signed in (or sign in there): it prints the page's address and a code the page
shows too, and opens the page when it can.`,
  flags: {
    json: { type: 'boolean', help: 'who you are, as one JSON object on stdout (never the session)' },
    server: serverFlags.server,
    browser: { type: 'boolean', help: 'allow it on the page in a browser instead of handing over a token' },
    'kube-token-file': { type: 'string', value: 'FILE', help: "a file holding your token instead of the kubeconfig's (- for stdin:\nkubectl create token … | octant-exec sign-in --kube-token-file -)", completes: 'file' },
    kubeconfig: { type: 'string', value: 'FILE', help: "(default: $KUBECONFIG's files, merged; else ~/.kube/config)", completes: 'file' },
    context: { type: 'string', value: 'NAME', help: 'the kubeconfig context whose user you are (default: the current one)', completes: 'context' },
  },
  footer: `The session lasts as long as the server gives (8 hours, or until the token's own expiry;
through the browser, until the browser's session ends); \`octant-exec sign-out\` ends it sooner.
Over plain http the token would cross the network for anyone on the way to read: the server
must be https://, or on this machine (a port-forward to a port other than 7788).
Exit status: 0 when signed in; 1 when the server or the cluster refused, the server could not
be reached, or no browser allowed it within 5 minutes (the sentence on stderr); 2 for a usage
error.`,
} as const satisfies CommandSpec;
