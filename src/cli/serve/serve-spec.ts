// The flags of `octant-exec` (serve, the default command). Plain data, loaded for --help and
// completion without the server; the defaults shown here are the code's (tests/cli/help.test.ts
// holds them to it).
import type { CommandSpec } from '../flags.ts';

export const serveSpec = {
  name: 'serve',
  usage: 'octant-exec [serve] [options]',
  summary: 'the browser app (the default command): a local server and the URL to open',
  about: `Opens terminals in Kubernetes containers from your browser. Starts a local server and prints
the URL to open (it carries a one-time token; keep it to yourself; a --token-file's token is
never printed: the line names the file, and the page takes the token in a field).

Cluster: with a usable kubeconfig (--kubeconfig, $KUBECONFIG, ~/.kube/config) it uses that
cluster and its current context; without one, or with --sandbox, it starts the built-in sandbox
cluster, whose pods are processes on this machine.

Team mode (--auth proxy, oidc or kube-token): people sign in, and every exec runs as the person
who asked, impersonated by the server's own identity (docs/team-mode.md).`,
  flags: {
    port: { type: 'string', value: 'N', help: 'port on the host (default 7788; 0 picks a free one)' },
    host: { type: 'string', value: 'ADDR', help: 'address to listen on (default 127.0.0.1; :: is every one);\nanother needs --allow-remote in local mode (not in a team mode)' },
    'allow-remote': { type: 'boolean', help: 'allow --host to be a non-loopback address (anyone who reaches it\nand has the token can run commands in your containers)' },
    'allow-host': { type: 'string', multiple: true, value: 'NAME', help: 'another name the browser may use for this server (repeatable)' },
    'public-url': { type: 'string', value: 'URL', help: 'the URL people open, when a proxy or an Ingress is in front\n(https://exec.example.com): allowed as Host and Origin, Secure\ncookies when https, and the OIDC redirect is URL/auth/callback' },
    kubeconfig: { type: 'string', value: 'FILE', help: 'kubeconfig to use', completes: 'file' },
    context: { type: 'string', value: 'NAME', help: 'kubeconfig context to use (default: its current context)', completes: 'context' },
    sandbox: { type: 'boolean', help: 'use the built-in sandbox cluster even when a kubeconfig exists' },
    'sandbox-unisolated': { type: 'boolean', help: "run the sandbox's containers as plain processes of yours, where\nbubblewrap cannot run (a shell in one can read and change your\nfiles)" },
    'exec-transport': { type: 'string', value: 'T', help: 'auto (default: WebSocket, SPDY/3.1 when the WebSocket upgrade is\nrefused, like kubectl), websocket, or spdy', completes: ['auto', 'websocket', 'spdy'] },
    'idle-timeout': { type: 'string', value: 'SECS', help: 'end a terminal after this many idle seconds (default 300)' },
    keepalive: { type: 'string', value: 'SECS', help: 'ping the page sockets and the cluster this often: below the idle\ncut of any proxy or load balancer in between, so it keeps them\n(1 to 30; default 15 to the page, 5 to the cluster)' },
    'debug-image': { type: 'string', multiple: true, value: 'IMAGE', help: 'an image Debug may add as a debug container (repeatable;\ndefault busybox:1.36): only these are offered and allowed' },
    'max-sessions': { type: 'string', value: 'N', help: 'most terminals running at once (default 64)' },
    'max-ended-per-person': { type: 'string', value: 'N', help: "ended terminals kept per person (local mode's one too): past it\ntheir oldest-ended are closed, with a note (default 200)" },
    scrollback: { type: 'string', value: 'BYTES', help: 'output kept per terminal for reattach (default 1048576)' },
    'ended-scrollback': { type: 'string', value: 'BYTES', help: "output kept by ended terminals all told: past it the oldest-ended\nlet theirs go, the biggest holder's first (default 268435456)" },
    'state-dir': { type: 'string', value: 'DIR', help: 'event log and sandbox files (default $XDG_STATE_HOME/octant-exec,\nelse ~/.local/state/octant-exec)', completes: 'file' },
    retain: { type: 'string', value: 'DAYS', help: 'close terminals ended this many days ago, then drop them from the\nlog, keeping one audit record per run (default 90; 0: keep all)' },
    'retain-audit': { type: 'string', value: 'DAYS', help: 'remove those audit records too after this many days\n(default 0: keep)' },
    record: { type: 'string', value: 'WHEN', help: 'record terminals as asciicast: off, opt-in (default: the ones\nasked for, in the Exec dialog or on a tab) or all', completes: ['off', 'opt-in', 'all'] },
    'record-input': { type: 'boolean', help: 'record keystrokes too (passwords typed at prompts among them;\ndocs/recordings.md); default off' },
    'record-max-bytes': { type: 'string', value: 'BYTES', help: 'a recording stops at this size, its terminal goes on\n(default 67108864)' },
    'record-min-free': { type: 'string', value: 'BYTES', help: 'no recording is written while the disk of the recordings folder\nhas less free: kept for the event log (default 268435456; 0: none)' },
    'snapshot-every': { type: 'string', value: 'N', help: 'write a snapshot of the state after N log entries (default 500)…' },
    'snapshot-interval': { type: 'string', value: 'SECS', help: '…or SECS after the last one, if anything happened (default 600)' },
    store: { type: 'string', value: 'URL', section: 'Replicas', help: "the event log several replicas share: postgres://USER@HOST:PORT/DB\n(default: the state directory's files; docs/scaling.md)" },
    'store-file': { type: 'string', value: 'FILE', section: 'Replicas', help: 'a file holding the --store URL, so its password is not on the\ncommand line', completes: 'file' },
    advertise: { type: 'string', value: 'URL', section: 'Replicas', help: 'with a shared --store: where the other replicas reach this one,\ne.g. http://10.1.2.3:7788 (in a pod: its IP)' },
    'metrics-address': { type: 'string', value: 'ADDR:PORT', help: 'serve Prometheus metrics at http://ADDR:PORT/metrics, apart\nfrom the app: counts only, no names, no sign-in (0.0.0.0:9464\nin a pod; default none; docs/operations.md)' },
    'embed-origin': { type: 'string', multiple: true, value: 'URL', help: "an origin allowed to frame /embed and open sockets from it, e.g.\nOctant's http://127.0.0.1:7777 (repeatable; none by default)" },
    open: { type: 'boolean', help: 'open the URL in a browser' },
    'no-open': { type: 'boolean', help: 'do not (the default)' },
    json: { type: 'boolean', help: 'print one JSON line when ready:\n{url, token, port, socket, cluster, stateDir, metrics}' },
    'token-file': { type: 'string', value: 'FILE', help: 'local mode: the token from FILE (made, mode 0600, when missing),\nthe same for every server given FILE, and never printed;\ndefault a new one per launch', completes: 'file' },
    version: { type: 'boolean', help: "print octant-exec's version" },
    auth: { type: 'string', value: 'MODE', section: 'Team mode', help: "how people sign in: local (default: one person, the printed URL's\ntoken), proxy, oidc or kube-token", completes: ['local', 'proxy', 'oidc', 'kube-token'] },
    'max-sessions-per-person': { type: 'string', value: 'N', section: 'Team mode', help: "most terminals one person runs at once, a batch's too (default 16,\nat most --max-sessions): past it a Shell is refused, a batch waits" },
    'admin-group': { type: 'string', multiple: true, value: 'GROUP', section: 'Team mode', help: "its members see everyone's terminals (watch, not type) and the\nwhole audit trail, and may end a person's terminals and sign them\nout everywhere (repeatable; none by default)" },
    'trusted-proxy': { type: 'string', multiple: true, value: 'CIDR', section: 'Team mode', help: 'proxy: the authenticating proxy\'s addresses (repeatable; at least\none): only they may send X-Forwarded-User and -Groups' },
    'proxy-username-prefix': { type: 'string', value: 'TEXT', section: 'Team mode', help: "proxy: put before the user name from X-Forwarded-User\n(default none; as the cluster's OIDC prefix, so RBAC names agree)" },
    'proxy-groups-prefix': { type: 'string', value: 'TEXT', section: 'Team mode', help: 'proxy: put before each group from X-Forwarded-Groups\n(default none)' },
    'oidc-issuer': { type: 'string', value: 'URL', section: 'Team mode', help: 'oidc: the issuer URL (https; its discovery document and keys are\nread from it)' },
    'oidc-client-id': { type: 'string', value: 'ID', section: 'Team mode', help: 'oidc: the client id registered with the issuer' },
    'oidc-client-secret-file': { type: 'string', value: 'FILE', section: 'Team mode', help: 'oidc: a file holding the client secret (never on the command line)', completes: 'file' },
    'oidc-username-claim': { type: 'string', value: 'CLAIM', section: 'Team mode', help: "oidc: the ID token claim that is the Kubernetes user name\n(default sub, as kube-apiserver's; email is common)" },
    'oidc-groups-claim': { type: 'string', value: 'CLAIM', section: 'Team mode', help: 'oidc: the ID token claim that lists the groups (default groups)' },
    'oidc-username-prefix': { type: 'string', value: 'TEXT', section: 'Team mode', help: "oidc: put before the user name claim, as kube-apiserver's\n--oidc-username-prefix (default none; give the cluster's own,\nso RBAC names agree)" },
    'oidc-groups-prefix': { type: 'string', value: 'TEXT', section: 'Team mode', help: "oidc: put before each group, as kube-apiserver's\n--oidc-groups-prefix (default none; give the cluster's own)" },
    'session-key-file': { type: 'string', value: 'FILE', section: 'Team mode', help: 'kube-token, oidc: sign session cookies with the key in FILE (32+\nbytes, raw or base64), so every replica given it takes them;\ndefault sessions in memory', completes: 'file' },
    'in-cluster': { type: 'boolean', section: 'Team mode', help: "the server's own identity from its pod's service account, not a\nkubeconfig" },
    'service-account-dir': { type: 'string', value: 'DIR', section: 'Team mode', help: 'with --in-cluster: where the token, ca.crt and namespace are\n(default /var/run/secrets/kubernetes.io/serviceaccount)', completes: 'file' },
  },
  footer: 'Stop it with Ctrl-C: every terminal is ended and the event log kept.',
} as const satisfies CommandSpec;
