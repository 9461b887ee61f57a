// The records that travel on the wire as the server's projections and domain keep them: one
// definition each, re-exported here so that clients take every wire type from src/protocol/.
export type { PodSummary, ContainerInfo, ContextSummary } from '../domain/pod.ts';
export type { SessionRow, SessionList } from '../events/projections/session-list.ts';
export type { Alert } from '../events/projections/alerts.ts';
export type { AuditRecord } from '../events/projections/audit-trail.ts';
export type { BatchRow, BatchResult, BatchResultState } from '../events/projections/batches.ts';
export type { SkippedTarget } from '../domain/batch.ts';
export type { LogEntry } from '../events/log-entry.ts';
export type { ExecCommand, ShellName } from '../domain/exec-action.ts';
export type { ExecTarget } from '../domain/target.ts';
