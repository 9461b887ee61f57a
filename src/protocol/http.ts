// The HTTP API under /api/v1 (docs/api.md, "HTTP API"): what each route takes and answers. The
// server's handlers are typed with these, and the page's calls too.
import type { HubLimits } from './socket-messages.ts';
import type { Alert, AuditRecord, BatchRow, ContextSummary, ExecCommand, ExecTarget, LogEntry, PodSummary, SessionRow, SkippedTarget } from './wire-types.ts';

export const API_PREFIX = '/api/v1';

/** Every failure: a status and a sentence a user can act on. */
export interface ApiErrorBody {
  error: { status: number; message: string };
}

/** POST /session: the token from the printed URL, traded for the session cookie. */
export interface SignInRequest {
  token: string;
}
export interface SignInReply {
  ok: true;
}

/** POST to `SignedIn.signOut` (Accept: application/json): `next` is where the browser goes on, the OIDC issuer's end-session page, or null. */
export interface SignOutReply {
  signedOut: true;
  next: string | null;
}

/** How people sign in (docs/team-mode.md): `local` is one person with the printed URL's token. */
export type AuthMode = 'local' | 'proxy' | 'oidc' | 'kube-token';
export const AUTH_MODES: readonly AuthMode[] = ['local', 'proxy', 'oidc', 'kube-token'];

/** A Kubernetes bearer token as kube-token's sign-in takes one (the form, or `octant-exec sign-in`): base64url and dots (JWTs) or similar; a bound, and no blanks or controls (one header line). */
export const BEARER_TOKEN_SHAPE = /^[\x21-\x7e]{1,16384}$/;

/** The ways the command line signs in: trading a Kubernetes token, or as a person allows it in a browser. */
export const COMMAND_LINE_WAYS = ['token', 'browser'] as const;
export type CommandLineWay = (typeof COMMAND_LINE_WAYS)[number];

/** GET /auth/sign-in asking for JSON, in kube-token and oidc mode: how the command line may sign in. */
export interface CommandLineWays {
  mode: 'kube-token' | 'oidc';
  commandLine: CommandLineWay[];
}

/** POST /auth/sign-in with a token, or POST /auth/command-line/token: the command line's session. */
export interface CommandLineSession {
  /** the session cookie as NAME=VALUE, to send as it is */
  cookie: string;
  user: string;
  groups: string[];
  admin: boolean;
  /** ISO 8601 (as toISOString writes it): when the session ends */
  expiresAt: string;
}

/** Crockford's base32: digits and letters but I, L, O and U, so that no two are mistaken for each other. */
const CODE_DIGITS = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * The code a person compares on the Allow page and in their terminal: the first 40 bits of the
 * command line's PKCE challenge (base64url, 43 characters) in Crockford's base32, split 4-4
 * (K7Q2-M9XD). The challenge's own characters would not do: its '-' and '_' read as the split.
 */
export function shownCode(challenge: string): string {
  const bytes = atob(challenge.slice(0, 8).replace(/-/g, '+').replace(/_/g, '/'));
  let bits = 0;
  for (let i = 0; i < 5; i++) bits = bits * 256 + bytes.charCodeAt(i);
  let code = '';
  for (let i = 0; i < 8; i++, bits = Math.floor(bits / 32)) code = CODE_DIGITS[bits % 32] + code;
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/** Who the caller is, in a team mode. */
export interface SignedIn {
  mode: Exclude<AuthMode, 'local'>;
  user: string;
  groups: string[];
  /** in an --admin-group: sees every terminal (watch, not type) and the whole audit trail */
  admin: boolean;
  /** POST here to sign out; null when the proxy in front signs people out */
  signOut: string | null;
}

/** GET /permissions?namespace=N[&context=C]: what the caller may do there, as the cluster answers for them. */
export interface PermissionsReply {
  namespace: string;
  /** `create pods/exec`: Shell, Exec, Run in all containers */
  exec: { allowed: boolean; reason: string };
}

/** GET /info */
export interface ServerInfo {
  cluster: 'sandbox' | 'kubeconfig';
  context: string;
  user: string;
  /** the terminal socket's path */
  socket: string;
  idleTimeoutSeconds: number;
  /** terminals that may run at once (--max-sessions, or its default) */
  maxSessions: number;
  /** in a team mode, terminals one person may run at once (--max-sessions-per-person, or its default, at most maxSessions); null in local mode, whose one person maxSessions holds */
  maxSessionsPerPerson: number | null;
  /** ended terminals one person keeps, past which their oldest-ended close on their own (--max-ended-per-person, or its default; every mode) */
  maxEndedPerPerson: number;
  /** how the built-in sandbox keeps its containers from this machine; null with a real cluster */
  sandboxIsolation: 'bubblewrap' | 'none' | null;
  /** whether the page's files were found (a checkout must build them first) */
  uiBuilt: boolean;
  limits: HubLimits;
  /** the images the Debug action offers (the server's --debug-image list), the first the default */
  debugImages: string[];
  /** the caller, in a team mode; null in local mode */
  signedIn: SignedIn | null;
  /** what the server records (serve --record, --record-input, --record-max-bytes; docs/recordings.md) */
  recording: RecordingPolicy;
}

/** off: nothing is recorded; opt-in: terminals asked for (the Exec dialog's switch, a tab's toggle); all: every terminal */
export type RecordMode = 'off' | 'opt-in' | 'all';
export const RECORD_MODES: readonly RecordMode[] = ['off', 'opt-in', 'all'];

export interface RecordingPolicy {
  mode: RecordMode;
  /** keystrokes are recorded too (passwords typed at prompts among them) */
  input: boolean;
  /** a recording stops at this size; the terminal goes on */
  maxBytes: number;
}

/** POST /sessions/ID/recording: start or stop recording a running terminal (its owner only). */
export interface RecordingRequest {
  on: boolean;
}
export interface RecordingReply {
  sessionId: string;
  /** whether its run is being recorded now */
  recording: boolean;
}

export interface ContextsReply {
  contexts: ContextSummary[];
}
export interface NamespacesReply {
  namespaces: string[];
}
export interface PodsReply {
  pods: PodSummary[];
}
export interface PodReply {
  pod: PodSummary;
}

/**
 * POST /exec: one container (`container`), several (`containers`) or all; a shell, an argv, or a
 * command line (`line`, split by the documented quoting rule, never given to a shell).
 */
export interface ExecRequest {
  context?: string;
  namespace: string;
  pod: string;
  container?: string;
  containers?: string[] | 'all';
  command?: ExecCommand | { line: string };
  /** default true: a TTY with stdin */
  interactive?: boolean;
  /** with `interactive: false`: stdin anyway (no TTY), ended by the socket's `eof` (`octant-exec exec` with a pipe) */
  stdin?: boolean;
  idleTimeoutSeconds?: number;
  /** debug, copy or attach (docs/api.md); absent: a plain exec */
  mode?: { kind: 'debug'; image: string } | { kind: 'copy' } | { kind: 'attach' };
  /** record its runs (a server with --record opt-in; a terminal only) */
  record?: boolean;
}
export interface ExecStarted {
  requestId: string;
  sessionIds: string[];
  containers: string[];
  /**
   * the terminals are to be recorded (`record: true`, or `--record all`), but whether the disk
   * takes it is known only at the stream's first byte, after this answer: watch each row's
   * `recording` (`on: true`, or `stopped: "failed"`)
   */
  recording?: 'pending';
}

/** POST /batches: pods by name or by label selector, all containers or one, a custom command. */
export interface BatchRequest {
  context?: string;
  namespace: string;
  pods?: string[];
  labelSelector?: string;
  container?: string;
  allContainers?: true;
  command: { argv: string[] } | { line: string };
  concurrency?: number;
  timeoutSeconds?: number;
}
export interface BatchStarted {
  batchId: string;
  targets: ExecTarget[];
  skipped: SkippedTarget[];
}
export interface BatchesReply {
  batches: BatchRow[];
}
export interface BatchReply {
  batch: BatchRow;
}

export interface SessionsReply {
  sessions: SessionRow[];
}
/** POST /sessions/ID/restart */
export interface RestartReply {
  sessionId: string;
  run: number;
}
/** POST /sessions/ID/close */
export interface CloseReply {
  sessionId: string;
  closed: boolean;
}
/**
 * POST /sessions/ID/end (an admin, team mode): `ended` false when its run had ended already;
 * `batch`: it was a run of that batch, which the admin stopped with it (nothing more of it starts)
 */
export interface EndReply {
  sessionId: string;
  ended: boolean;
  batch?: string;
}
/**
 * POST /people/USER/end (an admin, team mode): the terminals ended, the batches cancelled.
 * `unreached`: the replicas that could not be asked to end theirs (then the status is 503, and
 * `error` says to run it again)
 */
export interface EndPersonReply {
  user: string;
  ended: string[];
  batches: string[];
  unreached?: { replica: string; error: string }[];
  error?: { status: number; message: string };
}
/** POST /people/USER/sign-out (an admin, team mode): every sign-in of USER made until `signedOutAt` ended, and the shares they made */
export interface SignOutPersonReply {
  user: string;
  signedOutAt: number;
  shares: string[];
}
/** POST /sessions/close-ended */
export interface CloseEndedReply {
  closed: string[];
}

export interface AuditReply {
  records: AuditRecord[];
}
export interface AlertsReply {
  alerts: Alert[];
}
/** GET /events?after=SEQ&limit=N: a page of the event log; `next` is the seq to ask after, or null at the end. */
export interface EventsReply {
  entries: LogEntry[];
  next: number | null;
}
/** GET /snapshots: every actor's state value and context (no secrets) */
export interface ActorSnapshots {
  supervisor: { value: unknown; context: unknown };
  terminals: Record<string, { value: unknown; context: unknown }>;
}
