// `octant-exec log stats`: what the event log holds and what it weighs.
import process from 'node:process';
import { statSync } from 'node:fs';
import { LEGACY_LOG, listSegments, listSnapshots } from '../../events/files/layout.ts';
import type { LogOptions } from './log-command.ts';

export interface LogStats {
  stateDir: string;
  entries: number;
  firstSeq?: number;
  lastSeq?: number;
  oldest?: string;
  newest?: string;
  damagedLines: number;
  keptAuditRecords: number;
  segments: { files: number; bytes: number; legacy: boolean };
  snapshots: { files: number; bytes: number; newestSeq?: number; newestTime?: string };
  compactedThrough: number;
}

export function logStats({ store }: Pick<LogOptions, 'store'>): LogStats {
  let entries = 0;
  let damagedLines = 0;
  let keptAuditRecords = 0;
  let first: { seq: number; time: number } | undefined;
  let last: { seq: number; time: number } | undefined;
  for (const entry of store.read(0, () => damagedLines++)) {
    entries++;
    first ??= entry;
    last = entry;
    if (entry.type === 'audit.record') keptAuditRecords++;
  }
  const segments = listSegments(store.stateDir);
  const snapshots = listSnapshots(store.stateDir);
  const newest = store.snapshots()[0];
  let newestTime: string | undefined;
  try {
    newestTime = newest && new Date(newest.load().time).toISOString();
  } catch {
    newestTime = undefined; // `log verify` says what is wrong with it
  }
  return {
    stateDir: store.stateDir,
    entries,
    firstSeq: first?.seq,
    lastSeq: last?.seq,
    oldest: first && new Date(first.time).toISOString(),
    newest: last && new Date(last.time).toISOString(),
    damagedLines,
    keptAuditRecords,
    segments: { files: segments.length, bytes: sizeOf(segments), legacy: segments.some((s) => s.name === LEGACY_LOG) },
    snapshots: { files: snapshots.length, bytes: sizeOf(snapshots), newestSeq: newest?.seq, newestTime },
    compactedThrough: store.compactedThrough(),
  };
}

export async function statsCommand(options: LogOptions): Promise<number> {
  const stats = logStats(options);
  if (options.json) {
    process.stdout.write(JSON.stringify(stats) + '\n');
    return 0;
  }
  const n = (value: number) => value.toLocaleString('en-US');
  const rows: [string, string][] = [
    ['state directory', stats.stateDir],
    ['entries', stats.entries === 0 ? 'none' : `${n(stats.entries)} (seq ${n(stats.firstSeq!)} to ${n(stats.lastSeq!)})`],
    ['oldest entry', stats.oldest ?? '-'],
    ['newest entry', stats.newest ?? '-'],
    ['segments', `${stats.segments.files} file${stats.segments.files === 1 ? '' : 's'}, ${megabytes(stats.segments.bytes)}${stats.segments.legacy ? ` (${LEGACY_LOG} from 0.1.0 among them: moved into log/ at the next start)` : ''}`],
    ['snapshots', stats.snapshots.files === 0 ? 'none yet' : `${stats.snapshots.files}, ${megabytes(stats.snapshots.bytes)}; the newest covers seq ${n(stats.snapshots.newestSeq!)}${stats.snapshots.newestTime ? ` (${stats.snapshots.newestTime})` : ' (unreadable: see octant-exec log verify)'}`],
    ['compacted', stats.compactedThrough ? `through seq ${n(stats.compactedThrough)}` : 'never'],
    ['kept audit records', n(stats.keptAuditRecords)],
  ];
  if (stats.damagedLines) rows.push(['damaged lines', `${n(stats.damagedLines)} (skipped on reading; octant-exec log verify lists them)`]);
  for (const warning of options.warnings) rows.push(['note', warning]);
  process.stdout.write(rows.map(([name, value]) => `${name.padEnd(19)}${value}`).join('\n') + '\n');
  return 0;
}

/** Their total size; a file a running server removed meanwhile (an old snapshot) counts as 0. */
function sizeOf(files: { path: string }[]): number {
  return files.reduce((total, file) => total + (statSync(file.path, { throwIfNoEntry: false })?.size ?? 0), 0);
}

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(bytes < 1e6 ? 3 : 1)} MB`;
}
