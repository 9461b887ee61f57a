// What an ExecSystem is opened with and answers: its options (a file log's or a shared log's),
// the results of its commands, and the report of the replay it started with.
import type { ExecAdapter } from '../adapters/exec.ts';
import type { LogDamage } from '../events/log-entry.ts';
import type { SharedStart, SharedStore } from '../events/shared-store.ts';
import type { EventStore } from '../events/store.ts';
import type { SupervisorConfig } from '../machines/supervisor.ts';
import type { VirtualClock } from './clock.ts';

export interface SnapshotPolicy {
  /** write one after this many entries… */
  everyEntries: number;
  /** …or this long after the last one, when anything happened since */
  everyMs: number;
}

/** A start replays at most about `everyEntries` entries after the newest snapshot (bench figure 7). */
export const DEFAULT_SNAPSHOT_POLICY: SnapshotPolicy = { everyEntries: 500, everyMs: 10 * 60_000 };

export interface ExecSystemOptions {
  adapter: ExecAdapter;
  store: EventStore;
  config?: Partial<SupervisorConfig>;
  /** makes the clock, starting at `start` (the first time the start replays); default real time */
  clock?: (start: number) => VirtualClock;
  /** where warnings go (a damaged log or snapshot, a replay that diverged, a disk that is full) */
  warn?: (message: string) => void;
  /** when an opened system writes snapshots; false: never */
  snapshots?: Partial<SnapshotPolicy> | false;
  /** false: ignore snapshots and replay the whole log (to compare the two) */
  fromSnapshot?: boolean;
}

export interface SharedExecSystemOptions extends Omit<ExecSystemOptions, 'store' | 'clock' | 'fromSnapshot'> {
  store: SharedStore;
  /** what store.start() returned */
  start: SharedStart;
  /** told once when this replica's lease is gone: its terminals were ended without a word in the log (another replica wrote what became of them) */
  onLeaseLost?: () => void;
}

export type ExecResult = { requestId: string; sessionIds: string[] } | { requestId: string; refused: string };
/** `because: 'running'`: the terminal has not ended; else too many terminals run */
export type RestartResult = { run: number } | { refused: string; because?: 'running' };

export interface ReplayReport {
  /** entries replayed: those after the snapshot */
  entries: number;
  damage: LogDamage[];
  /** the first fact the machines derived differently from the log, if any */
  divergence?: string;
  /** the snapshot the start began from */
  snapshot?: { name: string; seq: number };
}
