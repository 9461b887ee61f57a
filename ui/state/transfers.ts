// File transfers the page started, with their progress: pure data and words, no DOM or fetch.
export interface Transfer {
  id: number;
  kind: 'upload' | 'download';
  /** what moves: a file name, or the path downloaded */
  label: string;
  /** where: namespace/pod/container */
  target: { namespace: string; pod: string; container: string };
  loaded: number;
  total?: number;
  startedAt: number;
  /** when the last progress came (the rate is measured up to here) */
  updatedAt: number;
  state: 'running' | 'done' | 'failed' | 'cancelled';
  message?: string;
  /** what a done transfer must still say: a file that changed while it was copied, entries left out */
  warning?: string;
  /** what a running transfer says beside its progress: a big download is better copied with octant-exec cp */
  note?: string;
}

/** Bytes a second so far. */
export function rate(transfer: Transfer): number {
  const seconds = (transfer.updatedAt - transfer.startedAt) / 1000;
  return seconds > 0 ? transfer.loaded / seconds : 0;
}

/** "1.2 MB of 5.0 MB, 3.4 MB/s" */
export function progressText(transfer: Transfer): string {
  const amount = transfer.total !== undefined ? `${bytes(transfer.loaded)} of ${bytes(transfer.total)}` : bytes(transfer.loaded);
  return `${amount}, ${bytes(Math.round(rate(transfer)))}/s`;
}

/**
 * What the progress bar shows: 0..1 of a known total; 'unknown' (the browser's animated bar)
 * while a transfer of unknown size (a directory's .tar.gz) still runs; none (undefined) for one
 * that ended without a total, since an animated bar next to "failed" says it still moves.
 */
export function progressBar(transfer: Transfer): number | 'unknown' | undefined {
  if (transfer.state === 'done') return 1;
  if (transfer.total) return Math.min(1, transfer.loaded / transfer.total);
  return transfer.state === 'running' ? 'unknown' : undefined;
}

/** Bytes as people read them: 812 B, 4.2 KB, 1.3 MB, 2.0 GB (powers of 1000, as browsers show downloads). */
export function bytes(n: number): string {
  if (n < 1000) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = n;
  let unit = -1;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}
