// The shapes the server sends, taken from the server's own modules (type-only imports: nothing
// of the server ends up in the bundle), so a change there breaks the UI's type-check, not the page.
export type { PodSummary, ContainerInfo, ContextSummary } from '../../src/domain/pod.ts';
export type { SessionRow, SessionState, SessionList } from '../../src/events/projections/session-list.ts';
export type { Alert } from '../../src/events/projections/alerts.ts';
export type { BatchRow, BatchResult, BatchResultState } from '../../src/events/projections/batches.ts';
export type { SkippedTarget } from '../../src/domain/batch.ts';
export type { LogEntry } from '../../src/events/log-entry.ts';
export type { ExecCommand, ShellName } from '../../src/domain/exec-action.ts';
export type { ExecTarget } from '../../src/domain/target.ts';

/** GET /api/v1/info */
export interface ServerInfo {
  cluster: 'sandbox' | 'kubeconfig';
  context: string;
  user: string;
  socket: string;
  idleTimeoutSeconds: number;
  maxSessions: number | null;
  /** how the built-in sandbox keeps its containers from this machine; null with a real cluster */
  sandboxIsolation: 'bubblewrap' | 'none' | null;
}

/** GET /api/v1/snapshots: every actor's state value and context (no secrets) */
export interface ActorSnapshots {
  supervisor: { value: unknown; context: unknown };
  terminals: Record<string, { value: unknown; context: unknown }>;
}
