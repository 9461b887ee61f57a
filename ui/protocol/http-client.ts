// The HTTP API (/api/v1, docs/api.md) as typed calls. Every failure becomes an ApiError carrying
// the server's own sentence, which the views show as it is: the server words them for users.
import type { ActorSnapshots, BatchRow, ContextSummary, ExecTarget, LogEntry, PodSummary, ServerInfo, SkippedTarget } from './types.ts';
import type { ExecBody } from '../../src/server/exec-body.ts';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** POST /api/v1/exec, as the page sends it (the server's ExecBody: argv, never a line) */
export type ExecRequest = Omit<ExecBody, 'idleTimeoutMs'>;

export interface ExecResult {
  requestId: string;
  sessionIds: string[];
  containers: string[];
}

/** POST /api/v1/batches: pods by name or by label selector, all containers or one, a custom command. */
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

async function call<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`/api/v1${path}`, {
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
    throw new ApiError(response.status, typeof message === 'string' ? message : `The server answered ${response.status}.`);
  }
  return body as T;
}

const seg = encodeURIComponent;
const withContext = (context?: string) => (context ? `?context=${seg(context)}` : '');

export const api = {
  /** Trades the token from the printed URL for the session cookie. */
  signIn: (token: string) => call<{ ok: true }>('/session', { body: { token } }),
  info: () => call<ServerInfo>('/info'),
  contexts: () => call<{ contexts: ContextSummary[] }>('/contexts').then((r) => r.contexts),
  namespaces: (context?: string) => call<{ namespaces: string[] }>(`/namespaces${withContext(context)}`).then((r) => r.namespaces),
  pods: (namespace: string, context?: string) => call<{ pods: PodSummary[] }>(`/namespaces/${seg(namespace)}/pods${withContext(context)}`).then((r) => r.pods),
  pod: (namespace: string, pod: string, context?: string) => call<{ pod: PodSummary }>(`/namespaces/${seg(namespace)}/pods/${seg(pod)}${withContext(context)}`).then((r) => r.pod),
  exec: (request: ExecRequest) => call<ExecResult>('/exec', { body: request }),
  runBatch: (request: BatchRequest) => call<BatchStarted>('/batches', { body: request }),
  batches: () => call<{ batches: BatchRow[] }>('/batches').then((r) => r.batches),
  batch: (batchId: string) => call<{ batch: BatchRow }>(`/batches/${seg(batchId)}`).then((r) => r.batch),
  restart: (sessionId: string) => call<{ sessionId: string; run: number }>(`/sessions/${seg(sessionId)}/restart`, { method: 'POST' }),
  close: (sessionId: string) => call<{ sessionId: string; closed: boolean }>(`/sessions/${seg(sessionId)}/close`, { method: 'POST' }),
  closeAllEnded: () => call<{ closed: string[] }>('/sessions/close-ended', { method: 'POST' }),
  events: (after = 0, limit = 1000) => call<{ entries: LogEntry[]; next: number | null }>(`/events?after=${after}&limit=${limit}`),
  snapshots: () => call<ActorSnapshots>('/snapshots'),
};

export type Api = typeof api;
