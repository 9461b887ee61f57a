// The load scenario of issue 9: many sessions at once through the browser protocol against the
// sandbox, half interactive (typing), half one-shot; some stream as fast as they can, random
// bytes and text. Every stream is checked end to end: its length and sha256 against what the
// process wrote (the process prints its own sha256 on stderr), and every exit code.
import { createHash, type Hash } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import WebSocket from 'ws';
import { FrameKind, decodeFrame, encodeFrame } from '../../src/protocol/frames.ts';
import { openExec, sessionRow, sessionState, startTestApp, type TestApp } from '../server/support.ts';
import { waitFor } from '../support/wait.ts';
import { isEnded, type SessionRow } from '../../src/protocol/index.ts';

export interface LoadParams {
  sessions: number;
  /** of the one-shot half, how many stream `bytes` of random data, and as many a text stream */
  streams: number;
  bytes: number;
}

export interface LoadReport {
  sessions: number;
  streamedBytes: number;
  seconds: number;
  peakRssMiB: number;
  eventLoopDelayP99Ms: number;
  problems: string[];
}

/** One viewer for many sessions: hashes stdout as it arrives, keeps stderr and a tail, acks like the page. */
class HashingViewer {
  readonly ws: WebSocket;
  readonly seen = new Map<string, { bytes: number; hash: Hash; stderr: string; tail: string }>();
  /** how the socket ended, if the server dropped it mid-run (its heartbeat, a limit) */
  dropped: string | undefined;

  constructor(app: TestApp) {
    this.ws = new WebSocket(`ws://127.0.0.1:${app.port}/api/v1/stream`, { headers: { Authorization: `Bearer ${app.token}`, Host: app.host }, origin: app.origin });
    this.ws.on('message', (data: Buffer, isBinary) => {
      if (!isBinary) return;
      const frame = decodeFrame(new Uint8Array(data));
      if (typeof frame === 'string') throw new Error(frame);
      const session = this.#session(frame.sessionId);
      if (frame.kind === FrameKind.Stderr) session.stderr += Buffer.from(frame.payload).toString('utf8');
      else {
        session.bytes += frame.payload.length;
        session.hash.update(frame.payload);
        session.tail = (session.tail + Buffer.from(frame.payload).toString('latin1')).slice(-200);
      }
      this.ws.send(JSON.stringify({ type: 'ack', sessionId: frame.sessionId, bytes: frame.payload.length }));
    });
    this.ws.on('error', (error) => (this.dropped ??= error.message));
    this.ws.on('close', (code) => (this.dropped ??= `closed with ${code}`));
  }

  opened(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
  }

  #session(id: string) {
    let session = this.seen.get(id);
    if (!session) this.seen.set(id, (session = { bytes: 0, hash: createHash('sha256'), stderr: '', tail: '' }));
    return session;
  }

  attach(sessionId: string): void {
    this.#session(sessionId);
    this.ws.send(JSON.stringify({ type: 'attach', sessionId }));
  }

  type(sessionId: string, text: string): void {
    this.ws.send(encodeFrame(FrameKind.Input, sessionId, new TextEncoder().encode(text)));
  }
}

/** Sessions per socket, as in one browser tab: within the hub's per-socket limits. */
const sessionsPerViewer = 50;

export async function runLoad(params: LoadParams): Promise<LoadReport> {
  const app = await startTestApp({ maxSessions: params.sessions + 10, hub: { scrollbackBytes: 64 * 1024 } });
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  const started = performance.now();
  const problems: string[] = [];
  const viewers = Array.from({ length: Math.ceil(params.sessions / sessionsPerViewer) }, () => new HashingViewer(app));
  const viewerOf = new Map<string, HashingViewer>();
  const watch = (id: string) => {
    const viewer = viewers[viewerOf.size % viewers.length];
    viewerOf.set(id, viewer);
    viewer.attach(id);
  };
  const seen = (id: string) => viewerOf.get(id)!.seen.get(id)!;
  try {
    await Promise.all(viewers.map((v) => v.opened()));
    const interactive = Math.floor(params.sessions / 2);
    const oneShots = params.sessions - interactive;
    const plan: { id: string; kind: 'typing' | 'random' | 'text' | 'quick'; expectExit: number; expectText?: string }[] = [];
    const open = async (command: unknown, isInteractive: boolean) => (await openExec(app, { namespace: 'batch', pod: `worker-${plan.length % 3}`, containers: ['main'], command, interactive: isInteractive }))[0];
    for (let i = 0; i < oneShots; i++) {
      if (i < params.streams) {
        // the process writes random bytes and prints their sha256 on stderr
        const id = await open({ argv: ['sh', '-c', `head -c ${params.bytes} /dev/urandom | tee data.$$; sha256sum < data.$$ >&2; rm data.$$`] }, false);
        plan.push({ id, kind: 'random', expectExit: 0 });
      } else if (i < 2 * params.streams) {
        const lines = Math.max(1, Math.floor(params.bytes / 8));
        const id = await open({ argv: ['sh', '-c', `seq 1 ${lines}`] }, false);
        plan.push({ id, kind: 'text', expectExit: 0, expectText: Array.from({ length: lines }, (_, n) => `${n + 1}\n`).join('') });
      } else {
        const code = i % 7;
        const id = await open({ argv: ['sh', '-c', `echo quick-${i}; exit ${code}`] }, false);
        plan.push({ id, kind: 'quick', expectExit: code, expectText: `quick-${i}\n` });
      }
      watch(plan.at(-1)!.id);
    }
    for (let i = 0; i < interactive; i++) {
      const id = await open({ shell: 'sh' }, true);
      plan.push({ id, kind: 'typing', expectExit: i % 5 });
      watch(id);
    }
    // the typists: each echoes a marker, then exits with its code
    const typists = plan.filter((p) => p.kind === 'typing');
    await waitFor(async () => {
      const states = await Promise.all(typists.map((p) => sessionState(app, p.id)));
      return states.every((s) => s && s.state !== 'connecting');
    }, 'every shell connected', 120_000);
    typists.forEach((p, i) => viewerOf.get(p.id)!.type(p.id, `echo typed-$((${i}+1000))\r`));
    await waitFor(() => typists.every((p, i) => seen(p.id).tail.includes(`typed-${i + 1000}`)), 'every typist saw its echo', 120_000);
    typists.forEach((p) => viewerOf.get(p.id)!.type(p.id, `exit ${p.expectExit}\r`));

    const ended = (row: SessionRow | undefined) => row && isEnded(row.state);
    await waitFor(async () => {
      const rows = await Promise.all(plan.map((p) => sessionState(app, p.id)));
      return rows.every(ended);
    }, 'every session ended', 600_000);
    viewers.forEach((v, i) => v.dropped && problems.push(`viewer ${i}: the page socket was dropped (${v.dropped})`));
    for (const p of plan) {
      const row = await sessionRow(app, p.id);
      const got = seen(p.id);
      if (row.state !== 'exited' || row.exitCode !== p.expectExit) problems.push(`${p.id} (${p.kind}): ${row.state} ${row.exitCode ?? ''}${why(row)}, expected exit ${p.expectExit}`);
      if (p.kind === 'random') {
        const wrote = got.stderr.split(' ')[0];
        if (got.bytes !== params.bytes) problems.push(`${p.id}: ${got.bytes} bytes arrived, ${params.bytes} written`);
        if (got.hash.copy().digest('hex') !== wrote) problems.push(`${p.id}: sha256 differs from what the process wrote`);
      }
      if (p.expectText !== undefined) {
        const expected = createHash('sha256').update(p.expectText).digest('hex');
        if (got.hash.copy().digest('hex') !== expected) problems.push(`${p.id} (${p.kind}): the text differs (${got.bytes} bytes, ${p.expectText.length} expected)`);
      }
    }
    return {
      sessions: plan.length,
      streamedBytes: viewers.flatMap((v) => [...v.seen.values()]).reduce((sum, s) => sum + s.bytes, 0),
      seconds: (performance.now() - started) / 1000,
      peakRssMiB: Math.round(peakRss / 2 ** 20),
      eventLoopDelayP99Ms: Math.round(delay.percentile(99) / 1e6),
      problems,
    };
  } finally {
    clearInterval(sampler);
    delay.disable();
    for (const viewer of viewers) viewer.ws.close();
    await app.close();
  }
}

/** Why a session disconnected, in the row's own words: which heartbeat (or fault) ended it. */
function why(row: SessionRow): string {
  return row.disconnectReason ? ` (${row.disconnectReason}${row.disconnectDetail ? `: ${row.disconnectDetail}` : ''})` : '';
}
