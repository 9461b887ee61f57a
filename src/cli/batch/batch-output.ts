// How `octant-exec batch` prints: each line as it arrives with its pod/container (prefixed),
// each container's output as one block when it ends (grouped), or one JSON document (json);
// then the summary table on stderr, failed ones first.
import type { BatchResult, BatchRow } from '../../events/projections/batches.ts';
import { resultsFailedFirst } from '../../events/projections/batches.ts';
import type { OutputChannel } from '../../runtime/terminal-io.ts';
import type { BatchOutputMode } from './batch-spec.ts';

interface Captured {
  label: string;
  decoders: Record<OutputChannel, TextDecoder>;
  /** prefixed: the unfinished last line per channel; grouped/json: everything */
  text: Record<OutputChannel, string>;
}

export class BatchPrinter {
  #sessions = new Map<string, Captured>();

  constructor(
    private readonly mode: BatchOutputMode,
    private readonly out: (text: string) => void,
    private readonly err: (text: string) => void,
  ) {}

  output(sessionId: string, label: string, channel: OutputChannel, chunk: Uint8Array): void {
    const captured = this.#capture(sessionId, label);
    // stream: true keeps a multibyte character split across chunks whole
    captured.text[channel] += captured.decoders[channel].decode(chunk, { stream: true });
    if (this.mode !== 'prefixed') return;
    const lines = captured.text[channel].split('\n');
    captured.text[channel] = lines.pop()!;
    for (const line of lines) this.out(prefixed(label, channel, line));
  }

  /** One exec ended: flush what it left (grouped: its block, output or not). */
  ended(sessionId: string, label: string, result: BatchResult): void {
    const captured = this.#capture(sessionId, label);
    for (const channel of ['stdout', 'stderr'] as const) captured.text[channel] += captured.decoders[channel].decode();
    if (this.mode === 'prefixed') {
      for (const channel of ['stdout', 'stderr'] as const) if (captured.text[channel]) this.out(prefixed(captured.label, channel, captured.text[channel]));
      this.#sessions.delete(sessionId);
    } else if (this.mode === 'grouped') {
      this.out(`==> ${captured.label} (${describe(result)}) <==\n${captured.text.stdout}${captured.text.stderr ? `--- stderr ---\n${captured.text.stderr}` : ''}${/\n$|^$/.test(captured.text.stdout + captured.text.stderr) ? '' : '\n'}`);
      this.#sessions.delete(sessionId);
    }
  }

  /** The end of the batch: the JSON document (json mode) and the summary table. */
  finish(batch: BatchRow): void {
    if (this.mode === 'json') {
      const results = batch.results.map((result) => {
        const captured = result.sessionId ? this.#sessions.get(result.sessionId) : undefined;
        return { ...result.target, state: result.state, exitCode: result.exitCode, reason: result.reason, durationMs: result.durationMs, stdout: captured?.text.stdout ?? '', stderr: captured?.text.stderr ?? '' };
      });
      this.out(JSON.stringify({ batchId: batch.batchId, argv: batch.argv, concurrency: batch.concurrency, totals: batch.totals, results }, null, 2) + '\n');
    }
    this.err(summaryTable(batch));
  }

  #capture(sessionId: string, label: string): Captured {
    let captured = this.#sessions.get(sessionId);
    if (!captured) {
      captured = { label, decoders: { stdout: new TextDecoder(), stderr: new TextDecoder() }, text: { stdout: '', stderr: '' } };
      this.#sessions.set(sessionId, captured);
    }
    return captured;
  }
}

function prefixed(label: string, channel: OutputChannel, line: string): string {
  return `${label} ${channel === 'stderr' ? '!' : '|'} ${line}\n`;
}

export function describe(result: BatchResult): string {
  switch (result.state) {
    case 'exited':
      return `exit ${result.exitCode}`;
    case 'skipped':
      return `skipped: ${result.reason}`;
    case 'queued':
      return 'not started';
    case 'running':
      return 'running';
    case 'disconnected':
      // in-process, the "server" that shut down is this batch, stopped by Ctrl-C or SIGTERM
      return result.reason === 'serverShutdown' ? 'stopped: the batch was interrupted' : `disconnected: ${result.reason ?? ''}`.trim();
    default:
      return `${result.state}: ${result.reason ?? ''}`.trim();
  }
}

export function summaryTable(batch: BatchRow): string {
  const rows = resultsFailedFirst(batch).map((r) => [`${r.target.pod}/${r.target.container}`, describe(r), r.durationMs === undefined ? '' : `${(r.durationMs / 1000).toFixed(2)}s`]);
  const width = Math.max(13, ...rows.map((r) => r[0].length));
  const lines = [['POD/CONTAINER', 'RESULT', 'TIME'], ...rows].map(([target, result, time]) => `${target.padEnd(width)}  ${time.padStart(7)}  ${result}`);
  const { succeeded, failed, skipped } = batch.totals;
  return `${lines.join('\n')}\n${succeeded} succeeded, ${failed} failed, ${skipped} skipped\n`;
}
