// The HTTP API (/api/v1, docs/api.md) as typed calls. Every failure becomes an ApiError carrying
// the server's own sentence, which the views show as it is: the server words them for users.
import type {
  ActorSnapshots,
  AuditReply,
  BatchesReply,
  BatchReply,
  BatchRequest,
  BatchStarted,
  CloseEndedReply,
  CloseReply,
  ContextsReply,
  EndReply,
  EventsReply,
  ExecRequest,
  ExecStarted,
  NamespacesReply,
  PodReply,
  PermissionsReply,
  PodsReply,
  RecordingReply,
  RestartReply,
  ServerInfo,
  SignInReply,
  SignOutReply,
  ShareCreated,
  SharedReply,
  ShareRequest,
  SharesReply,
  ShareView,
  WatcherChange,
} from '../../src/protocol/index.ts';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** the server asked for local mode's token (WWW-Authenticate: Bearer): a person can paste it */
    readonly asksForToken = false,
  ) {
    super(message);
  }
}

async function call<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  return request<T>(`/api/v1${path}`, init);
}

async function request<T>(url: string, init: { method?: string; body?: unknown }): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      credentials: 'same-origin',
      headers: init.body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  } catch {
    throw new ApiError(0, 'octant-exec cannot be reached: is it still running? Start it again and open the URL it prints.');
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    const message = (body as { error?: { message?: unknown } })?.error?.message;
    throw new ApiError(response.status, typeof message === 'string' ? message : `The server answered ${response.status}.`, response.headers.get('WWW-Authenticate') === 'Bearer');
  }
  return body as T;
}

/** Where to go after signing out: the provider's end-session page when the server names an http(s) one, else this server's start. */
export function afterSignOut(next: unknown): string {
  if (typeof next !== 'string') return '/';
  try {
    const url = new URL(next);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : '/';
  } catch {
    return '/';
  }
}

const seg = encodeURIComponent;
const withContext = (context?: string) => (context ? `?context=${seg(context)}` : '');

/** A path on this server ("/…", never "//host/…" or a full URL): sign-out posts only to our own origin. */
export function isOwnPath(url: string): boolean {
  return url.startsWith('/') && !url.startsWith('//') && !url.startsWith('/\\');
}

/** Where a recorded run's cast is (a link to it downloads the .cast file). */
export function recordingUrl(sessionId: string, run: number): string {
  return `/api/v1/sessions/${seg(sessionId)}/recording?run=${run}`;
}

/** A recorded run's cast, or `tooLarge` when it went on past the `maxBytes` asked for and was not read further. */
type Cast = { text: string; damage: string | null } | { tooLarge: true };

/**
 * `maxBytes` bounds the read itself, not only a size logged beforehand: a recording still being
 * written (or without a logged size) may be near --record-max-bytes (1 GiB), and reading it whole
 * into one string fails past a browser's limit (about 512 MiB) after holding all of it in the tab.
 */
async function castOf(url: string, maxBytes: number): Promise<Cast> {
  let response: Response;
  try {
    response = await fetch(url, { credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'octant-exec cannot be reached: is it still running? Start it again and open the URL it prints.');
  }
  if (response.ok) {
    const text = await textUpTo(response, maxBytes);
    return text === undefined ? { tooLarge: true } : { text, damage: response.headers.get('X-Recording-Damaged') };
  }
  let message: unknown;
  try {
    message = JSON.parse(await response.text())?.error?.message;
  } catch {
    message = undefined;
  }
  throw new ApiError(response.status, typeof message === 'string' ? message : `The server answered ${response.status}.`);
}

/** The body as text, or undefined once it goes past `maxBytes` (the rest is not fetched: the read is cancelled). */
async function textUpTo(response: Response, maxBytes: number): Promise<string | undefined> {
  // an answer of 200 always has a body (only 101, 204, 205 and 304 come without one)
  const reader = response.body!.getReader();
  // decoded as it comes, so a character split between two chunks is decoded whole
  const decoder = new TextDecoder();
  const parts: string[] = [];
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    if (bytes > maxBytes) {
      await reader.cancel();
      return undefined;
    }
    parts.push(decoder.decode(value, { stream: true }));
  }
  parts.push(decoder.decode());
  return parts.join('');
}

export const api = {
  /** Trades the token from the printed URL for the session cookie. */
  signIn: (token: string) => call<SignInReply>('/session', { body: { token } }),
  info: () => call<ServerInfo>('/info'),
  /** Team mode: POST {} to the address `info.signedIn.signOut` names; `next` is the identity provider's end-session page, if any. */
  signOut: (url: string) => {
    if (!isOwnPath(url)) return Promise.reject(new ApiError(0, `The server named a sign-out address that is not its own (${url.slice(0, 80)}): not signing out there.`));
    return request<SignOutReply>(url, { body: {} });
  },
  /** Team mode: may the caller exec in this namespace? The server asks the cluster as them. */
  permissions: (namespace: string, context?: string) => call<PermissionsReply>(`/permissions?namespace=${seg(namespace)}${context ? `&context=${seg(context)}` : ''}`),
  /** The audit trail as far as the caller may see it (the server's latest runs). */
  audit: () => call<AuditReply>('/audit').then((r) => r.records),
  contexts: () => call<ContextsReply>('/contexts').then((r) => r.contexts),
  namespaces: (context?: string) => call<NamespacesReply>(`/namespaces${withContext(context)}`).then((r) => r.namespaces),
  pods: (namespace: string, context?: string) => call<PodsReply>(`/namespaces/${seg(namespace)}/pods${withContext(context)}`).then((r) => r.pods),
  pod: (namespace: string, pod: string, context?: string) => call<PodReply>(`/namespaces/${seg(namespace)}/pods/${seg(pod)}${withContext(context)}`).then((r) => r.pod),
  exec: (request: ExecRequest) => call<ExecStarted>('/exec', { body: request }),
  runBatch: (request: BatchRequest) => call<BatchStarted>('/batches', { body: request }),
  batches: () => call<BatchesReply>('/batches').then((r) => r.batches),
  batch: (batchId: string) => call<BatchReply>(`/batches/${seg(batchId)}`).then((r) => r.batch),
  cancelBatch: (batchId: string) => call<BatchReply>(`/batches/${seg(batchId)}/cancel`, { method: 'POST' }),
  restart: (sessionId: string) => call<RestartReply>(`/sessions/${seg(sessionId)}/restart`, { method: 'POST' }),
  close: (sessionId: string) => call<CloseReply>(`/sessions/${seg(sessionId)}/close`, { method: 'POST' }),
  /** An admin ends another person's running terminal: it stays theirs, stopped, saying who ended it. */
  end: (sessionId: string) => call<EndReply>(`/sessions/${seg(sessionId)}/end`, { method: 'POST' }),
  /** Starts or stops recording a running terminal (its owner, a server with --record opt-in). */
  record: (sessionId: string, on: boolean) => call<RecordingReply>(`/sessions/${seg(sessionId)}/recording`, { body: { on } }),
  /** A recorded run's cast as text, and what is wrong with it when the server could read only part of it; not past `maxBytes` (then `tooLarge`). */
  recording: (sessionId: string, run: number, maxBytes: number) => castOf(recordingUrl(sessionId, run), maxBytes),
  closeAllEnded: () => call<CloseEndedReply>('/sessions/close-ended', { method: 'POST' }),
  events: (after = 0, limit = 1000) => call<EventsReply>(`/events?after=${after}&limit=${limit}`),
  snapshots: () => call<ActorSnapshots>('/snapshots'),
  /** Sharing a live terminal (docs/api.md, "Sharing a terminal"): the owner's calls */
  share: (sessionId: string, request: ShareRequest) => call<ShareCreated>(`/sessions/${seg(sessionId)}/shares`, { body: request }),
  shares: (sessionId: string) => call<SharesReply>(`/sessions/${seg(sessionId)}/shares`).then((r) => r.shares),
  revokeShare: (sessionId: string, shareId: string) => call<{ share: ShareView }>(`/sessions/${seg(sessionId)}/shares/${seg(shareId)}`, { method: 'DELETE' }),
  changeWatcher: (sessionId: string, shareId: string, change: WatcherChange) => call<{ share: ShareView }>(`/sessions/${seg(sessionId)}/shares/${seg(shareId)}/watchers`, { body: change }),
  /** ...and the shared page's: trade a local link's secret for its cookie (once), then ask what it shows */
  shareSignIn: (id: string, secret: string) => call<{ shareId: string; sessionId: string }>('/share-session', { body: { id, secret } }),
  shared: (id?: string) => call<SharedReply>(`/shared${id ? `?id=${seg(id)}` : ''}`),
};

export type Api = typeof api;
