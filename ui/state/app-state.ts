// The page's state and how server messages change it. Pure functions of (state, message): the
// socket client feeds them, views read the result. No DOM, no fetch, no timers here.
import { isEnded as isEndedState } from '../../src/protocol/index.ts';
import type { ConnectionState } from '../../src/protocol/socket-client.ts';
import type { Alert, BatchRow, ContextSummary, PodSummary, ServerInfo, SessionRow, ServerMessage } from '../../src/protocol/index.ts';
import type { Route } from './route.ts';
import { initialAudit, type AuditView } from './audit.ts';
import type { PermissionEntry } from './team.ts';
import type { Transfer } from './transfers.ts';
import { DEFAULT_PREFERENCES, type Preferences } from './preferences.ts';
import { withInputHeld } from './input-held.ts';
import { isTransfer } from '../../src/domain/exec-action.ts';
import { formatArgv } from '../../src/domain/command-line.ts';

export interface Notice {
  id: number;
  message: string;
  /** where it came from, e.g. "Exec in web" */
  title?: string;
  /** when it came (ms since the epoch) */
  at: number;
}

/** The pods chosen on the Pods list for a batch: checked by name, or a typed label selector. */
export interface PodSelection {
  /** the namespace the choice was made in: another namespace starts with nothing chosen */
  namespace: string;
  pods: string[];
  labelSelector: string;
}

export interface AppState {
  route: Route;
  connection: ConnectionState;
  /** signedOut: the server's reason for closing the page's socket (1008), when it gave one (state/outage.ts says it) */
  signedOutBecause?: string;
  /** the socket is down, or its server said it is stopping: what the banner says (state/outage.ts) */
  outage?: import('./outage.ts').Outage;
  /** signing in with the token from the URL (or pasted: `tokenField`, local mode); `failed` carries a sentence */
  /** `attempt` counts failed sign-ins: each puts up its sentence anew, so it is heard again when it is the same */
  auth: { state: 'pending' | 'ok' | 'failed'; message?: string; tokenField?: boolean; attempt?: number };
  info?: ServerInfo;
  contexts: ContextSummary[];
  namespaces: string[];
  pods: { namespace: string; list: PodSummary[]; loaded: boolean; error?: string };
  /** the pod the Pod view shows; `gone`: the cluster (`context`; absent: the server's current one) has no such pod */
  pod: { namespace: string; name: string; view?: PodSummary; error?: string; gone?: boolean; context?: string } | undefined;
  sessions: { order: string[]; byId: Record<string, SessionRow> };
  /** the batches projection as the socket pushes it, in the order started */
  batches: { order: string[]; byId: Record<string, BatchRow> };
  selection: PodSelection;
  alerts: Alert[];
  /** ids of the alerts that came after the page had its first list (a load's are old news): those a screen reader hears of */
  arrivedAlerts?: number[];
  /** alert ids dismissed in this browser tab */
  dismissed: number[];
  notices: Notice[];
  /** an exec request is on its way: Shell and Exec wait for it */
  execPending: boolean;
  /** team mode: what the caller may do, by context and namespace (state/team.ts, permissionKey) */
  permissions: Record<string, PermissionEntry>;
  /** sessions the server told this page it may only watch (socket error `readOnly`) */
  readOnly: string[];
  /** sessions whose program is not reading its input: what is typed for them waits (state/input-held.ts) */
  inputHeld: string[];
  /** the Audit page */
  audit: AuditView;
  /** file uploads and downloads this page started, running and the last few finished */
  transfers: Transfer[];
  /** this browser's terminal settings (state/preferences.ts) */
  preferences: Preferences;
  /** the server's clock minus the page's, as estimated from the rows (state/idle-countdown.ts) */
  serverClockOffsetMs?: number;
}

export function initialState(route: Route, dismissed: number[] = [], preferences: Preferences = DEFAULT_PREFERENCES): AppState {
  return {
    route,
    connection: 'connecting',
    auth: { state: 'pending' },
    contexts: [],
    namespaces: [],
    pods: { namespace: route.namespace, list: [], loaded: false },
    pod: undefined,
    sessions: { order: [], byId: {} },
    batches: { order: [], byId: {} },
    selection: { namespace: route.namespace, pods: [], labelSelector: '' },
    alerts: [],
    dismissed,
    notices: [],
    execPending: false,
    permissions: {},
    readOnly: [],
    inputHeld: [],
    audit: initialAudit(),
    transfers: [],
    preferences,
  };
}

export function applyServerMessage(state: AppState, message: ServerMessage): Partial<AppState> | AppState {
  switch (message.type) {
    case 'hello': {
      const byId: Record<string, SessionRow> = {};
      for (const row of message.sessions) byId[row.sessionId] = row;
      const batches: Record<string, BatchRow> = {};
      for (const batch of message.batches ?? []) batches[batch.batchId] = batch;
      return {
        sessions: { order: message.sessions.map((r) => r.sessionId), byId },
        alerts: message.alerts,
        arrivedAlerts: arrivedAlerts(state, message.alerts),
        ...stillDismissed(state, message.alerts),
        batches: { order: (message.batches ?? []).map((b) => b.batchId), byId: batches },
      };
    }
    case 'batch':
      return { batches: withBatch(state.batches, message.batch) };
    case 'session':
    case 'attached': {
      const row = message.session;
      const known = row.sessionId in state.sessions.byId;
      return {
        sessions: {
          order: known ? state.sessions.order : [...state.sessions.order, row.sessionId],
          byId: { ...state.sessions.byId, [row.sessionId]: row },
        },
        ...(message.type === 'attached' ? { inputHeld: withInputHeld(state.inputHeld, row.sessionId, message.inputHeld === true) } : {}),
      };
    }
    case 'inputHeld':
      return { inputHeld: withInputHeld(state.inputHeld, message.sessionId, message.held) };
    case 'sessionClosed': {
      if (!(message.sessionId in state.sessions.byId)) return state;
      const { [message.sessionId]: _gone, ...byId } = state.sessions.byId;
      const readOnly = state.readOnly.includes(message.sessionId) ? { readOnly: state.readOnly.filter((id) => id !== message.sessionId) } : {};
      return { sessions: { order: state.sessions.order.filter((id) => id !== message.sessionId), byId }, ...readOnly };
    }
    case 'alerts':
      return { alerts: message.alerts, arrivedAlerts: arrivedAlerts(state, message.alerts), ...stillDismissed(state, message.alerts) };
    case 'pods': {
      // only the namespace on screen; the pod view takes its pod's fresh container states too
      if (message.namespace !== state.route.namespace || (message.context ?? undefined) !== (state.route.context ?? undefined)) return state;
      const change: Partial<AppState> = { pods: { namespace: message.namespace, list: message.pods, loaded: true } };
      const shown = state.pod;
      if (shown && shown.namespace === message.namespace) {
        const view = message.pods.find((p) => p.name === shown.name);
        // missing from the whole list: deleted. Said as a reload's GET would (404); a later list
        // that has it again (a StatefulSet's pod made anew) brings the view back.
        const where = { namespace: shown.namespace, name: shown.name, context: message.context ?? undefined };
        change.pod = view ? { ...where, view } : { ...where, error: podGoneSentence(shown.namespace, shown.name), gone: true };
      }
      return change;
    }
    case 'error':
      if (message.code === 'watchFailed' && message.namespace === state.route.namespace) return { pods: { ...state.pods, loaded: true, error: message.message } };
      // an admin's keystroke or resize reached someone else's terminal: from now on it is only watched
      if (message.code === 'readOnly' && message.sessionId && !state.readOnly.includes(message.sessionId)) return { readOnly: [...state.readOnly, message.sessionId] };
      return state;
    default:
      return state;
  }
}

/**
 * The socket's state. Once octant-exec no longer accepts the page (restarted with a new token, a
 * sign-in ended) nothing reaches its terminals from here, nor any news of them: each one still
 * running shows disconnected, with why, as one whose stream dropped does, not live forever.
 */
export function applyConnection(state: AppState, connection: ConnectionState, closedBecause?: string): Partial<AppState> {
  if (connection !== 'signedOut') return { connection };
  const byId = { ...state.sessions.byId };
  for (const [id, row] of Object.entries(byId)) if (!isEnded(row)) byId[id] = { ...row, state: 'disconnected', disconnectDetail: `${SIGNED_OUT}: it cannot reach the terminal any more.` };
  return { connection, signedOutBecause: closedBecause, sessions: { order: state.sessions.order, byId } };
}

const SIGNED_OUT = 'This page is no longer signed in to octant-exec';

/** Why the Pod view has no pod once the cluster's list has dropped it. */
export function podGoneSentence(namespace: string, name: string): string {
  return `Not found in namespace "${namespace}": the pod ${name} is no longer in the cluster's list (deleted).`;
}

/**
 * Why Restart is off: for a debug copy its timeout deleted, or a terminal of a pod that is gone (a
 * new run would only fail at the cluster). While the server cannot be asked, it is off as every
 * button that asks the server is (server-button.ts).
 */
export function restartOffReason(state: AppState, row: SessionRow): string | undefined {
  if (row.mode?.kind === 'copy' && row.state === 'timedOut') return `The copy ${row.target.pod} was deleted when this terminal timed out: open a new Debug copy.`;
  const { pod } = state;
  if (!pod?.gone || pod.namespace !== row.target.namespace || pod.name !== row.target.pod || !sameContext(state, row.target.context, pod.context)) return undefined;
  return `The pod ${row.target.pod} is gone from namespace ${row.target.namespace}: a restart would have nowhere to run.`;
}

/** The batches with this one added or replaced. */
export function withBatch(batches: AppState['batches'], batch: BatchRow): AppState['batches'] {
  const known = batch.batchId in batches.byId;
  return { order: known ? batches.order : [...batches.order, batch.batchId], byId: { ...batches.byId, [batch.batchId]: batch } };
}

// ---- derived views of the state -----------------------------------------------------------

/** The pod selection of the namespace on screen (a choice made in another namespace does not count). */
export function currentSelection(state: AppState): PodSelection {
  const { selection, route } = state;
  return selection.namespace === route.namespace ? selection : { namespace: route.namespace, pods: [], labelSelector: '' };
}

export type BadgeTone = 'busy' | 'ok' | 'quiet' | 'warn' | 'bad' | 'done';

/** The state badge of a terminal, in the words of the issue: connecting, live, idle, timed out, disconnected, exited N, failed; and stopped (its batch was cancelled). */
export function badge(row: SessionRow): { text: string; tone: BadgeTone; detail?: string } {
  switch (row.state) {
    case 'connecting':
      return { text: 'connecting', tone: 'busy' };
    case 'interactive':
      return { text: 'live', tone: 'ok' };
    case 'idle':
      return { text: 'idle', tone: 'quiet' };
    case 'timedOut':
      return { text: 'timed out', tone: 'warn', detail: timedOutDetail(row) };
    case 'disconnected':
      return { text: 'disconnected', tone: 'warn', detail: row.disconnectDetail ?? disconnectWords[row.disconnectReason ?? 'streamDropped'] };
    case 'exited':
      return { text: `exited ${row.exitCode ?? '?'}`, tone: row.exitCode === 0 ? 'done' : 'bad' };
    case 'failed':
      return { text: 'failed', tone: 'bad', detail: row.failure?.message };
    case 'stopped':
      return { text: 'stopped', tone: 'quiet', detail: stoppedDetail(row) };
    default:
      // a state a newer server has and this page does not know (a page left open across an upgrade)
      return { text: String(row.state), tone: 'quiet', detail: NEWER_SERVER };
  }
}

/** What a page says of a word from a newer server than the one that gave it its code. */
export const NEWER_SERVER = 'This page is older than octant-exec now: reload it.';

/** Why a terminal's run was stopped on purpose: its batch (the request that made it) was cancelled (by an admin: who), or an admin ended it. */
function stoppedDetail(row: SessionRow): string {
  if (row.stopReason === 'endedByAdmin') return `Ended by ${row.stoppedBy ? `${row.stoppedBy}, ` : ''}an admin of octant-exec: the command was ended. Its output is kept.`;
  const byAdmin = row.stopReason === 'batchCancelled' && row.stoppedBy !== undefined && row.stoppedBy !== row.person?.user;
  if (byAdmin) return `Its batch ${row.requestId} was stopped by ${row.stoppedBy}, an admin of octant-exec: the command was ended. Its output is kept.`;
  const why = row.stopReason === 'batchCancelled' ? `Its batch ${row.requestId} was cancelled` : 'It was stopped';
  return `${why}: the command was ended. Restart to run it again.`;
}

/** Why a terminal timed out: idle past its idle timeout, or a batch's command run past its deadline. */
function timedOutDetail(row: SessionRow): string {
  const seconds = Math.round((row.timeout?.afterMs ?? row.idleTimeoutMs ?? 0) / 1000);
  if (row.timeout?.cause === 'deadline') return `Ran longer than its ${seconds} s timeout: the command was ended. Restart to run it again.`;
  return `No activity for ${seconds} s: ${timedOutWords(row)}`;
}

/**
 * What a timeout ended, by what the terminal is: an attach runs nothing of its own (it detaches;
 * the container's process goes on); a debug shell ends but its container stays (ephemeral
 * containers are never removed) and a restart reuses it; a debug copy is deleted with its timeout.
 */
function timedOutWords(row: SessionRow): string {
  switch (row.mode?.kind) {
    case 'attach':
      return 'detached; the main process goes on. Restart to attach again.';
    case 'debug':
      return 'the shell was ended; its debug container stays in the pod. Restart opens a new shell in it.';
    case 'copy':
      return `the exec was ended and the copy ${row.target.pod} deleted. Open a new Debug copy to go on.`;
    default:
      return 'the exec was ended. Restart to continue.';
  }
}

const disconnectWords: Record<string, string> = {
  streamDropped: 'The stream to the cluster dropped.',
  serverShutdown: 'octant-exec was stopped.',
  restarted: 'octant-exec restarted; the process ended with it.',
  podDeleted: 'The pod was deleted.',
  replicaLost: 'The octant-exec replica that held it stopped answering; restart it to run it on another.',
};

export function isEnded(row: SessionRow): boolean {
  return isEndedState(row.state);
}

/** The tab's name: container and command, e.g. "nginx: shell", "nginx: sh -c 'echo a b'". */
/** A terminal of this page's that closed on its own (past the ended-terminal limit): the notice its tab leaves, so it does not go silently. */
export function closedOnItsOwn(state: AppState, message: ServerMessage): { message: string; title: string } | undefined {
  if (message.type !== 'sessionClosed' || !message.message) return undefined;
  const row = state.sessions.byId[message.sessionId];
  return row && { message: message.message, title: `${tabName(row)} in ${row.target.pod}` };
}

export function tabName(row: SessionRow): string {
  return `${row.target.container}: ${modeLabel(row) ?? commandLabel(row)}`;
}

/**
 * The command as the user asked for it: a shell by its name, a command line quoted as it would be
 * typed (the row's label joins argv with spaces, losing where a word ends), so it splits back into
 * the same argv by the Exec dialog's rule.
 */
export function commandLabel(row: SessionRow): string {
  return 'argv' in row.command ? formatArgv(row.command.argv) : row.label;
}

/** What the current run runs (a shell: the one found), quoted the same way; before it connects, what was asked for. */
export function runsText(row: SessionRow): string {
  return row.argv.length ? formatArgv(row.argv) : commandLabel(row);
}

/** What a debug, copy or attach terminal is, said on its tab: "Debug busybox:1.36 → app", "COPY of crashloop", "Attach". */
export function modeLabel(row: SessionRow): string | undefined {
  switch (row.mode?.kind) {
    case 'debug':
      return `Debug ${row.mode.image} → ${row.target.container}`;
    case 'copy':
      return `COPY of ${row.mode.source ?? 'a pod'}: ${commandLabel(row)}`;
    case 'attach':
      return 'Attach';
    default:
      return undefined;
  }
}

/**
 * What runs, in its tab's words where the tab says more than the command (the Terminals page's
 * Command, the panel's bar): "Debug busybox:1.36 → app: sh", "COPY of crashloop: bash", and for
 * an attach, which runs no command of its own (its argv is empty), "Attach to the main process".
 */
export function runsTextWithMode(row: SessionRow): string {
  switch (row.mode?.kind) {
    case 'debug':
      return `Debug ${row.mode.image} → ${row.target.container}: ${runsText(row)}`;
    case 'copy':
      return `COPY of ${row.mode.source ?? 'a pod'}: ${runsText(row)}`;
    case 'attach':
      return 'Attach to the main process';
    default:
      return runsText(row);
  }
}

/** Where a pod is: the same namespace and pod name in two kube contexts are two pods. */
export interface PodPlace {
  /** absent: the server's current context */
  context?: string;
  namespace: string;
  pod: string;
}

/** Whether two contexts are the same cluster; absent means the server's current one (GET /info's `context`). */
export function sameContext(state: AppState, a: string | undefined, b: string | undefined): boolean {
  return (a ?? state.info?.context) === (b ?? state.info?.context);
}

/** Whether a terminal runs in this namespace of this context. */
export function inNamespace(state: AppState, row: SessionRow, namespace: string, context: string | undefined): boolean {
  return row.target.namespace === namespace && sameContext(state, row.target.context, context);
}

/** A pod's terminals, as tabs, with the terminals in its debug copies (they are about this pod); file transfers are listed on the Terminals page only (they have no screen). */
export function sessionsOfPod(state: AppState, place: PodPlace): SessionRow[] {
  const { pod } = place;
  return state.sessions.order
    .map((id) => state.sessions.byId[id])
    .filter((row) => row && inNamespace(state, row, place.namespace, place.context) && !isTransfer(row.mode) && (row.target.pod === pod || (row.mode?.kind === 'copy' && row.mode.source === pod)));
}

/** Of `alerts`, the ids that arrived after the first list: those that had, and the ones not in the list before (a reconnect's hello brings those raised meanwhile). */
function arrivedAlerts(state: AppState, alerts: Alert[]): number[] {
  if (!state.arrivedAlerts) return [];
  const before = new Set(state.alerts.map((alert) => alert.id));
  const now = new Set(alerts.map((alert) => alert.id));
  return [...state.arrivedAlerts.filter((id) => now.has(id)), ...alerts.filter((alert) => !before.has(alert.id)).map((alert) => alert.id)];
}

/**
 * The dismissals of the alerts still listed. Any other is forgotten: an alert's id is the seq of
 * its entry, never listed again once gone, but for the event log's storage alert, always 0 (no
 * entry raised it), whose next outage would otherwise stay hidden in this browser tab for good.
 */
function stillDismissed(state: AppState, alerts: Alert[]): Partial<AppState> {
  const dismissed = state.dismissed.filter((id) => alerts.some((alert) => alert.id === id));
  return dismissed.length === state.dismissed.length ? {} : { dismissed };
}

export function visibleAlerts(state: AppState): Alert[] {
  return state.alerts.filter((alert) => !state.dismissed.includes(alert.id));
}
