// The flags of `octant-exec people`. Plain data, loaded for --help and completion without the client code.
import type { CommandSpec } from '../flags.ts';
import { serverFlags } from '../server/server-flags.ts';

export const peopleSpec = {
  name: 'people',
  usage: 'octant-exec people COMMAND USER [options]',
  summary: "offboarding, for a team mode's admins: sign a person out, end what they run",
  about: `What an admin of a team mode (a member of an --admin-group) does when someone must lose
access at once, through a running octant-exec server (docs/team-mode.md, "Offboarding"):
take their access away at the identity provider and in RBAC first, then sign-out, end, show.
USER is the person's name as octant-exec shows it (the Sessions and Audit pages), prefix
included.`,
  subcommands: {
    'sign-out': 'ends every sign-in of USER made until now, on every replica: their\nopen sockets close, the shares they made are revoked (in proxy\nmode only the sockets: the proxy decides who gets in)',
    end: 'ends every running terminal and batch of USER (each stays in their\nlist, stopped, saying who ended it); prints what was ended',
    show: "USER's running terminals and batches: what end would end",
  },
  flags: {
    json: { type: 'boolean', help: "the server's answer as one JSON object on stdout (a refusal too)" },
    ...serverFlags,
  },
  footer: `Who you are: in the kube-token and oidc modes, sign in first as yourself with
\`octant-exec sign-in --server URL\` (oidc: through your browser); or sign in on the page and put
the session cookie the browser keeps for the server (octant_exec_session, or
__Host-octant_exec_session over https) in --cookie-file as NAME=VALUE, readable by you alone:
(umask 077; cat > FILE), then paste it (a file others may read is warned of). In proxy mode,
--server is the proxy's address and the token one it takes as a bearer token (oauth2-proxy:
--skip-jwt-bearer-tokens). Local mode has one person and no admins: nothing to offboard.
Exit status: 0 when done; 1 when the server refused or could not be asked (its sentence on
stderr), or when end could not ask every replica (what was ended is printed: run it again);
2 for a usage error.`,
} as const satisfies CommandSpec;
