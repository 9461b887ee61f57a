// How `octant-exec batch` prints: each line as it arrives with its pod/container (prefixed; a
// command's stderr lines on our stderr, so `> file` and `| grep` get its output alone, as with
// kubectl exec), each container's output as one block when it ends (grouped: one block on stdout,
// its stderr part marked), or one JSON document (json); then the summary table on stderr, failed
// ones first.
import type { BatchResult, BatchRow } from '../../events/projections/batches.ts';
import { reasonText, resultsFailedFirst } from '../../events/projections/batches.ts';
import type { OutputChannel } from '../../runtime/terminal-io.ts';
import type { BatchOutputMode } from './batch-spec.ts';

/** prefixed: a line longer than this is printed in pieces of it, each with its prefix, so output with no newline (a progress bar, data) is shown as it comes, never held whole */
export const MAX_LINE = 64 * 1024;
/** grouped and json: what each container's channel keeps at most (characters); what comes past it is counted, and said */
export const MAX_KEPT = 8 * 1024 * 1024;

interface Captured {
  label: string;
  decoders: Record<OutputChannel, TextDecoder>;
  /** prefixed: the unfinished last line per channel; grouped/json: everything, up to MAX_KEPT */
  text: Record<OutputChannel, string>;
  /** grouped/json: characters past MAX_KEPT, not kept */
  notKept: Record<OutputChannel, number>;
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
    const text = captured.decoders[channel].decode(chunk, { stream: true });
    if (this.mode === 'prefixed') this.#lines(captured, channel, text);
    else this.#keep(captured, channel, text);
  }

  /** Prints the whole lines the unfinished one and `text` make, and pieces of MAX_LINE; keeps the rest: each chunk is looked at once. */
  #lines(captured: Captured, channel: OutputChannel, text: string): void {
    const rest = captured.text[channel] + text;
    let start = 0;
    const print = this.#prefixedTo(channel);
    for (let end = rest.indexOf('\n'); end !== -1; end = rest.indexOf('\n', start)) {
      print(prefixed(captured.label, channel, rest.slice(start, end)));
      start = end + 1;
    }
    while (rest.length - start >= MAX_LINE) {
      const code = rest.charCodeAt(start + MAX_LINE - 1);
      const end = start + MAX_LINE - (code >= 0xd800 && code <= 0xdbff ? 1 : 0); // never half a character
      print(prefixed(captured.label, channel, rest.slice(start, end)));
      start = end;
    }
    captured.text[channel] = rest.slice(start);
  }

  /** prefixed: each channel's lines to ours, so a pipe or a file gets the command's output alone */
  #prefixedTo(channel: OutputChannel): (text: string) => void {
    return channel === 'stderr' ? this.err : this.out;
  }

  #keep(captured: Captured, channel: OutputChannel, text: string): void {
    const room = Math.max(0, MAX_KEPT - captured.text[channel].length);
    captured.text[channel] += text.length <= room ? text : text.slice(0, room);
    captured.notKept[channel] += Math.max(0, text.length - room);
  }

  /** One exec ended: flush what it left (grouped: its block, output or not). */
  ended(sessionId: string, label: string, result: BatchResult): void {
    const captured = this.#capture(sessionId, label);
    for (const channel of ['stdout', 'stderr'] as const) {
      const last = captured.decoders[channel].decode();
      if (this.mode === 'prefixed') captured.text[channel] += last;
      else this.#keep(captured, channel, last);
    }
    if (this.mode === 'prefixed') {
      for (const channel of ['stdout', 'stderr'] as const) if (captured.text[channel]) this.#prefixedTo(channel)(prefixed(captured.label, channel, captured.text[channel]));
      this.#sessions.delete(sessionId);
    } else if (this.mode === 'grouped') {
      const { stdout, stderr } = { stdout: captured.text.stdout + notKeptNote(captured, 'stdout'), stderr: captured.text.stderr + notKeptNote(captured, 'stderr') };
      // each part on lines of its own, whether or not the command ended its output with a newline
      const ended = (text: string) => (text === '' || text.endsWith('\n') ? text : `${text}\n`);
      this.out(`==> ${captured.label} (${describe(result)}) <==\n${ended(stdout)}${stderr ? `--- stderr ---\n${ended(stderr)}` : ''}`);
      this.#sessions.delete(sessionId);
    }
  }

  /** The end of the batch: the JSON document (json mode) and the summary table. */
  finish(batch: BatchRow): void {
    if (this.mode === 'json') {
      const results = batch.results.map((result) => {
        const captured = result.sessionId ? this.#sessions.get(result.sessionId) : undefined;
        const notKept = captured && (captured.notKept.stdout || captured.notKept.stderr) ? { notKept: captured.notKept } : {};
        return { ...result.target, state: result.state, exitCode: result.exitCode, reason: reasonOf(result), durationMs: result.durationMs, stdout: captured?.text.stdout ?? '', stderr: captured?.text.stderr ?? '', ...notKept };
      });
      this.out(JSON.stringify({ batchId: batch.batchId, argv: batch.argv, concurrency: batch.concurrency, totals: batch.totals, results }, null, 2) + '\n');
    }
    this.err(summaryTable(batch));
  }

  #capture(sessionId: string, label: string): Captured {
    let captured = this.#sessions.get(sessionId);
    if (!captured) {
      captured = { label, decoders: { stdout: new TextDecoder(), stderr: new TextDecoder() }, text: { stdout: '', stderr: '' }, notKept: { stdout: 0, stderr: 0 } };
      this.#sessions.set(sessionId, captured);
    }
    return captured;
  }
}

/** Says, after what was kept of a channel, how much more came. */
function notKeptNote(captured: Captured, channel: OutputChannel): string {
  const more = captured.notKept[channel];
  return more ? `${captured.text[channel].endsWith('\n') ? '' : '\n'}[octant-exec: ${more} more characters of its ${channel} not kept: a container keeps ${MAX_KEPT / 1024 / 1024} Mi of each here; use --output prefixed to see them all]\n` : '';
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
    case 'notStarted':
      return 'not started';
    case 'cancelled':
      return 'cancelled while running';
    case 'running':
      return 'running';
    case 'disconnected':
      return reasonOf(result) === 'interrupted' ? 'stopped: the batch was interrupted' : `disconnected: ${reasonOf(result) ?? ''}`.trim();
    default:
      return `${result.state}: ${result.reason ?? ''}`.trim();
  }
}

/** In-process, the "server" that shut down is this batch, stopped by Ctrl-C or SIGTERM: said so, in the JSON too; other reasons as the server says them. */
function reasonOf(result: BatchResult): string | undefined {
  return result.state === 'disconnected' && result.reason === 'serverShutdown' ? 'interrupted' : reasonText(result);
}

export function summaryTable(batch: BatchRow): string {
  const rows = resultsFailedFirst(batch).map((r) => [`${r.target.pod}/${r.target.container}`, describe(r), r.durationMs === undefined ? '' : `${(r.durationMs / 1000).toFixed(2)}s`]);
  const width = Math.max(13, ...rows.map((r) => r[0].length));
  const lines = [['POD/CONTAINER', 'RESULT', 'TIME'], ...rows].map(([target, result, time]) => `${target.padEnd(width)}  ${time.padStart(7)}  ${result}`);
  const { succeeded, failed, skipped, notStarted, cancelled } = batch.totals;
  return `${lines.join('\n')}\n${succeeded} succeeded, ${failed} failed, ${skipped} skipped${cancelled ? `, ${cancelled} cancelled` : ''}${notStarted ? `, ${notStarted} not started` : ''}\n`;
}
