// The fallback adapter (WebSocket, then SPDY/3.1 when the WebSocket upgrade is refused) against
// the sandbox, and its rule on scripted adapters: what falls back, what does not, what is replayed.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { ExecAdapter, ExecEnd, ExecListener, ExecRequest, ExecStream } from '../../src/adapters/exec.ts';
import { KubeContexts } from '../../src/adapters/kubernetes/kubeconfig.ts';
import { FallbackExecAdapter } from '../../src/adapters/kubernetes/fallback-exec.ts';
import { execAdapterFor, parseExecTransportChoice } from '../../src/adapters/kubernetes/exec-transport-choice.ts';
import { SpdyExecAdapter } from '../../src/adapters/kubernetes/spdy-exec.ts';
import { WebSocketExecAdapter } from '../../src/adapters/kubernetes/websocket-exec.ts';
import { startTestSandbox, type Sandbox } from '../support/sandbox.ts';
import { countedTransports } from './support.ts';
import { runExec } from '../support/exec-run.ts';

const test = suite('fallback exec adapter');
const text = (s: string) => new TextEncoder().encode(s);
let both: Sandbox & { scratch: string };
let spdyOnly: Sandbox & { scratch: string };
let counted: ReturnType<typeof countedTransports>;

test.before(async () => {
  counted = countedTransports();
  both = await startTestSandbox({ transportOverrides: counted.transports });
  spdyOnly = await startTestSandbox({ execTransports: ['spdy'] });
});
test.after(async () => {
  await both.close();
  await spdyOnly.close();
});

test('auto against a sandbox that refuses WebSocket: falls back to SPDY, exit 3, the command ran once', async () => {
  const adapter = execAdapterFor(KubeContexts.fromFile(spdyOnly.kubeconfigPath), 'auto');
  const before = spdyOnly.execCount();
  const r = runExec(adapter, { argv: ['sh', '-c', 'echo once; exit 3'] });
  assert.equal(await r.ended, { kind: 'exited', code: 3 });
  assert.is(r.stdout().toString(), 'once\n');
  assert.is(r.protocol(), 'v5.channel.k8s.io over SPDY/3.1');
  assert.is(spdyOnly.execCount(), before + 1);
});

test('input given before the fallback (stdin, EOF, size) reaches the SPDY attempt', async () => {
  const adapter = execAdapterFor(KubeContexts.fromFile(spdyOnly.kubeconfigPath), 'auto');
  const r = runExec(adapter, { argv: ['wc', '-l'], stdin: true });
  r.stream.write(text('a\nb\n'));
  r.stream.closeStdin();
  assert.equal(await r.ended, { kind: 'exited', code: 0 });
  assert.is(r.stdout().toString().trim(), '2');
  const tty = runExec(adapter, { argv: ['sh', '-c', 'stty size'], tty: true, stdin: true, size: { cols: 80, rows: 24 } });
  tty.stream.resize({ cols: 132, rows: 50 });
  assert.equal(await tty.ended, { kind: 'exited', code: 0 });
  assert.match(tty.stdout().toString(), '50 132');
});

test('auto against a sandbox that serves WebSocket stays on WebSocket', async () => {
  const before = { ...counted.upgrades };
  const r = runExec(execAdapterFor(KubeContexts.fromFile(both.kubeconfigPath)), { argv: ['true'] });
  assert.equal(await r.ended, { kind: 'exited', code: 0 });
  assert.is(r.protocol(), 'v5.channel.k8s.io');
  assert.equal(counted.upgrades, { websocket: before.websocket + 1, spdy: before.spdy });
});

test('an RBAC 403 on the WebSocket falls back like kubectl (SPDY is authorized as another verb); the SPDY answer ends it, nothing runs', async () => {
  const contexts = KubeContexts.fromFile(both.kubeconfigPath);
  const attempts: string[] = [];
  const counting = (name: string, inner: ExecAdapter): ExecAdapter => ({ open: (req, l) => (attempts.push(name), inner.open(req, l)) });
  const adapter = new FallbackExecAdapter(counting('websocket', new WebSocketExecAdapter(contexts)), counting('spdy', new SpdyExecAdapter(contexts)));
  const execs = both.execCount();
  const r = runExec(adapter, { target: { namespace: 'restricted', pod: 'secret-db', container: 'db' }, argv: ['id'] });
  const end = await r.ended;
  assert.is(end.kind === 'failed' && end.failure.reason, 'forbidden');
  assert.is(end.kind === 'failed' && end.upgradeRefused, 403);
  assert.equal(attempts, ['websocket', 'spdy']);
  assert.is(both.execCount(), execs);
});

test('websocket and spdy pin one transport; the setting parses', () => {
  const contexts = KubeContexts.fromFile(both.kubeconfigPath);
  assert.instance(execAdapterFor(contexts, 'websocket'), WebSocketExecAdapter);
  assert.instance(execAdapterFor(contexts, 'spdy'), SpdyExecAdapter);
  assert.instance(execAdapterFor(contexts, 'auto'), FallbackExecAdapter);
  assert.is(parseExecTransportChoice(undefined), 'auto');
  assert.is(parseExecTransportChoice(' SPDY '), 'spdy');
  assert.throws(() => parseExecTransportChoice('h2'), /one of auto, websocket, spdy/);
});

test('spdy pinned against the WebSocket-refusing sandbox, websocket pinned gets the 400', async () => {
  const contexts = KubeContexts.fromFile(spdyOnly.kubeconfigPath);
  assert.equal(await runExec(execAdapterFor(contexts, 'spdy'), { argv: ['true'] }).ended, { kind: 'exited', code: 0 });
  const refused = await runExec(execAdapterFor(contexts, 'websocket'), { argv: ['true'] }).ended;
  assert.is(refused.kind === 'failed' && refused.upgradeRefused, 400);
  assert.match(refused.kind === 'failed' ? refused.failure.message : '', 'serves exec over spdy');
});

// ---- the rule, on scripted adapters -------------------------------------------------------

/** An adapter whose streams end as the script says, synchronously or later. */
class Scripted implements ExecAdapter {
  opened = 0;
  readonly calls: string[] = [];
  constructor(private readonly script: (listener: ExecListener) => void) {}
  open(_request: ExecRequest, listener: ExecListener): ExecStream {
    this.opened++;
    const calls = this.calls;
    queueMicrotask(() => this.script(listener));
    return {
      write: (data) => calls.push(`write ${new TextDecoder().decode(data)}`),
      closeStdin: () => calls.push('closeStdin'),
      resize: (size) => calls.push(`resize ${size.cols}x${size.rows}`),
      pause: () => calls.push('pause'),
      resume: () => calls.push('resume'),
      close: () => calls.push('close'),
    };
  }
}

const request: ExecRequest = { target: { namespace: 'default', pod: 'web', container: 'nginx' }, argv: ['sh'], tty: true, stdin: true };
const ends = (adapter: ExecAdapter, act: (stream: ExecStream) => void = () => {}) =>
  new Promise<ExecEnd>((resolve) => act(adapter.open(request, { opened() {}, stdout() {}, stderr() {}, ended: resolve })));

for (const code of [400, 401, 403, 404, 500]) {
  test(`a WebSocket upgrade answered ${code} falls back, and what the caller did so far is replayed`, async () => {
    const primary = new Scripted((l) => l.ended({ kind: 'failed', failure: { reason: 'unknown', message: 'no' }, upgradeRefused: code }));
    const secondary = new Scripted((l) => {
      l.opened('spdy');
      l.ended({ kind: 'exited', code: 0 });
    });
    const end = await ends(new FallbackExecAdapter(primary, secondary), (s) => {
      s.write(text('ls\n'));
      s.resize({ cols: 90, rows: 20 });
      s.closeStdin();
    });
    assert.equal(end, { kind: 'exited', code: 0 });
    assert.is(secondary.opened, 1);
    assert.equal(secondary.calls, ['write ls\n', 'resize 90x20', 'closeStdin']);
  });
}

test('no fallback on a network error, a failure after the stream opened, an exit code or a drop', async () => {
  const outcomes: ((l: ExecListener) => void)[] = [
    (l) => l.ended({ kind: 'failed', failure: { reason: 'connection', message: 'ECONNREFUSED' } }),
    (l) => {
      l.opened('v5.channel.k8s.io');
      l.ended({ kind: 'failed', failure: { reason: 'unknown', message: 'late' }, upgradeRefused: 500 });
    },
    (l) => l.ended({ kind: 'exited', code: 3 }),
    (l) => l.ended({ kind: 'dropped', reason: 'reset' }),
  ];
  for (const outcome of outcomes) {
    const secondary = new Scripted((l) => l.ended({ kind: 'exited', code: 0 }));
    await ends(new FallbackExecAdapter(new Scripted(outcome), secondary));
    assert.is(secondary.opened, 0);
  }
});

test('close() before the refusal arrives: no second attempt', async () => {
  const primary = new Scripted((l) => l.ended({ kind: 'failed', failure: { reason: 'unknown', message: 'no' }, upgradeRefused: 400 }));
  const secondary = new Scripted(() => {});
  await ends(new FallbackExecAdapter(primary, secondary), (s) => s.close());
  assert.is(secondary.opened, 0);
});

test.run();
