// The exec adapter contract (src/adapters/exec.ts), proved the same way for every transport:
// client-node's WebSocket, octant-exec's SPDY/3.1, and the fallback between them, each against
// the sandbox cluster. A new transport joins by adding a line to `transports`.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { Buffer } from 'node:buffer';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import type { ExecAdapter, ExecEnd } from '../../src/adapters/exec.ts';
import { KubeContexts } from '../../src/adapters/kubernetes/kubeconfig.ts';
import { WebSocketExecAdapter } from '../../src/adapters/kubernetes/websocket-exec.ts';
import { SpdyExecAdapter } from '../../src/adapters/kubernetes/spdy-exec.ts';
import { FallbackExecAdapter } from '../../src/adapters/kubernetes/fallback-exec.ts';
import { startTestSandbox, type Sandbox } from '../support/sandbox.ts';
import { runExec } from '../support/exec-run.ts';
import { waitFor, withTimeout } from '../support/wait.ts';
import { blockEventLoop } from '../support/block-loop.ts';
import { clientPortsTo } from '../support/tcp-connections.ts';
import { catchUncaught, execStreams, fakeCluster } from './fake-cluster.ts';

interface Liveness {
  pingIntervalMs?: number;
  deadAfterMs?: number;
}

const transports: { name: string; protocol: string; make(contexts: KubeContexts, liveness?: Liveness): ExecAdapter }[] = [
  { name: 'WebSocket (client-node)', protocol: 'v5.channel.k8s.io', make: (contexts, liveness) => new WebSocketExecAdapter(contexts, liveness) },
  { name: 'SPDY/3.1', protocol: 'v5.channel.k8s.io over SPDY/3.1', make: (contexts, liveness) => new SpdyExecAdapter(contexts, liveness) },
  {
    name: 'fallback (WebSocket first)',
    protocol: 'v5.channel.k8s.io',
    make: (contexts, liveness) => new FallbackExecAdapter(new WebSocketExecAdapter(contexts, liveness), new SpdyExecAdapter(contexts, liveness)),
  },
];

const text = (s: string) => new TextEncoder().encode(s);
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

for (const transport of transports) {
  const test = suite(`exec adapter contract: ${transport.name}`);
  let sandbox: Sandbox & { scratch: string };
  let adapter: ExecAdapter;
  test.before(async () => {
    sandbox = await startTestSandbox();
    adapter = transport.make(KubeContexts.fromFile(sandbox.kubeconfigPath));
  });
  test.after(() => sandbox.close());
  test.after.each(() => sandbox.setFaults([]));

  test('the exit code comes back; stdout and stderr stay apart; the protocol is named', async () => {
    const before = sandbox.execCount();
    const r = runExec(adapter, { argv: ['sh', '-c', 'echo to-out; echo to-err >&2; exit 3'] });
    assert.equal(await r.ended, { kind: 'exited', code: 3 });
    assert.is(r.stdout().toString(), 'to-out\n');
    assert.is(r.stderr(), 'to-err\n');
    assert.is(r.protocol(), transport.protocol);
    assert.is(sandbox.execCount(), before + 1, 'the command ran once');
    assert.equal(await runExec(adapter, { argv: ['true'] }).ended, { kind: 'exited', code: 0 });
  });

  test('input and its end, written before the stream opened, reach the process: wc -l counts 2', async () => {
    const r = runExec(adapter, { argv: ['wc', '-l'], stdin: true });
    r.stream.write(text('a\nb\n'));
    r.stream.closeStdin();
    assert.equal(await r.ended, { kind: 'exited', code: 0 });
    assert.is(r.stdout().toString().trim(), '2');
  });

  test('input written after its end goes nowhere, without an uncaught error: wc -l counts what came before', async () => {
    const uncaught = catchUncaught();
    try {
      // a client may send keys after an eof (the socket's frames are the client's): the WebSocket's ended stdin threw from a timer, uncaught
      const r = runExec(adapter, { argv: ['wc', '-l'], stdin: true }, (s) => {
        s.write(text('a\n'));
        s.closeStdin();
        s.write(text('b\n'));
      });
      assert.equal(await r.ended, { kind: 'exited', code: 0 });
      assert.is(r.stdout().toString().trim(), '1');
    } finally {
      uncaught.stop();
    }
    assert.equal(uncaught.errors.map((error) => error.message), []);
  });

  test('5 MB of random bytes come back through cat unchanged', async () => {
    const data = randomBytes(5 * 1024 * 1024);
    const r = runExec(adapter, { argv: ['cat'], stdin: true }, (s) => {
      for (let at = 0; at < data.length; at += 64 * 1024) s.write(data.subarray(at, at + 64 * 1024));
      s.closeStdin();
    });
    assert.equal(await r.ended, { kind: 'exited', code: 0 });
    assert.is(r.stdout().length, data.length);
    assert.is(sha(r.stdout()), sha(data));
  });

  test("stdin written one chunk at a time, each after the last one's sent callback, arrives whole; sent is told even when the exec is over", async () => {
    const data = randomBytes(4 * 1024 * 1024);
    let told = 0;
    const r = runExec(adapter, { argv: ['sha256sum'], stdin: true }, (s) => {
      const next = (at: number) => {
        if (at >= data.length) return s.closeStdin();
        s.write(data.subarray(at, at + 256 * 1024), () => {
          told++;
          next(at + 256 * 1024);
        });
      };
      next(0);
    });
    assert.equal(await r.ended, { kind: 'exited', code: 0 });
    assert.is(told, 16);
    assert.is(r.stdout().toString().split(' ')[0], sha(data));
    // a write after the end still hears back, so a writer waiting on it goes on to find the exec over
    await new Promise<void>((resolve) => r.stream.write(text('late'), resolve));
  });

  test('a terminal starts at the requested size, follows a resize and exits with its code', async () => {
    const r = runExec(adapter, { argv: ['sh'], tty: true, stdin: true, size: { cols: 91, rows: 17 } }, (s) => s.write(text('stty size\r')));
    await waitFor(() => /17 91/.test(r.stdout().toString()), 'the first size');
    r.stream.resize({ cols: 120, rows: 33 });
    r.stream.write(text('stty size\r'));
    await waitFor(() => /33 120/.test(r.stdout().toString()), 'the new size');
    r.stream.write(text('exit 9\r'));
    assert.equal(await r.ended, { kind: 'exited', code: 9 });
    assert.is(r.stderr(), '');
  });

  test('refusals say what the cluster said, and nothing runs: bad names, RBAC, a crash-looping container, a missing shell', async () => {
    const before = sandbox.execCount();
    const badName = await runExec(adapter, { argv: ['id'], target: { namespace: 'default', pod: '../etc', container: 'nginx' } }).ended;
    assert.is(badName.kind === 'failed' && badName.failure.reason, 'notFound');
    const rbac = await runExec(adapter, { target: { namespace: 'restricted', pod: 'secret-db', container: 'db' }, argv: ['id'] }).ended;
    assert.is(rbac.kind === 'failed' && rbac.failure.reason, 'forbidden');
    assert.match(rbac.kind === 'failed' ? rbac.failure.message : '', 'cannot create resource "pods/exec"');
    const crash = await runExec(adapter, { target: { namespace: 'default', pod: 'crashloop', container: 'app' }, argv: ['sh'] }).ended;
    assert.is(crash.kind === 'failed' && crash.failure.reason, 'containerNotRunning');
    const shellless = await runExec(adapter, { target: { namespace: 'default', pod: 'distroless-app', container: 'app' }, argv: ['sh'] }).ended;
    assert.is(shellless.kind === 'failed' && shellless.failure.reason, 'commandNotFound');
    assert.is(sandbox.execCount(), before);
  });

  test('an unreachable cluster is a connection failure naming the server', async () => {
    const config = new KubeConfig();
    config.loadFromString(readFileSync(sandbox.kubeconfigPath, 'utf8').replace(sandbox.server, 'https://127.0.0.1:9'));
    const end = await runExec(transport.make(new KubeContexts(config)), { argv: ['id'] }).ended;
    assert.is(end.kind === 'failed' && end.failure.reason, 'connection');
    assert.match(end.kind === 'failed' ? end.failure.message : '', /127\.0\.0\.1:9/);
  });

  test('pause holds the output back, resume delivers all of it', async () => {
    const total = 4 * 1024 * 1024;
    const r = runExec(adapter, { argv: ['head', '-c', String(total), '/dev/zero'] }, (s) => s.pause());
    // paused when it opened (resumed before that, it would be paused after): what arrives then
    // levels off (socket and stream buffers full), well short of the total
    await waitFor(() => r.protocol() !== '', 'the exec to open');
    let seen = -1;
    let since = Date.now();
    await waitFor(() => {
      if (r.stdout().length !== seen) [seen, since] = [r.stdout().length, Date.now()];
      return Date.now() - since > 300;
    }, 'the output to level off while paused');
    assert.ok(r.stdout().length < total, `${r.stdout().length} bytes arrived while paused`);
    r.stream.resume();
    assert.equal(await r.ended, { kind: 'exited', code: 0 });
    assert.is(r.stdout().length, total);
  });

  // The last output and the Status come while the browser is behind (paused), as an API server
  // sends them: over SPDY the status has its own stream, and an API server may close the
  // connection right after it, or leave stdout unended. Less than a window of output: the cluster
  // sends all of it, and all of it is read off the socket while we deliver nothing.
  for (const closes of [true, false]) {
    test(`output that came while paused is all delivered before the end, the status after it and the connection ${closes ? 'closed then' : 'kept'}`, async () => {
      const output = randomBytes(48 * 1024);
      let paused!: () => void;
      const whenPaused = new Promise<void>((resolve) => (paused = resolve));
      const cluster = await fakeCluster({
        websocket: (ws) =>
          void whenPaused.then(() => {
            ws.send(Buffer.concat([Buffer.of(1), output]));
            ws.send(Buffer.concat([Buffer.of(3), Buffer.from('{"status":"Success"}')]), () => closes && ws.terminate());
          }),
        spdy: (session) =>
          execStreams(session, ['error', 'stdout', 'stderr'], (streams) =>
            void whenPaused.then(() => {
              streams.stdout!.write(output);
              streams.error!.end(); // an empty error stream: Success
              // once the client has answered a ping it has read all of it
              if (closes) void session.ping().then(() => session.destroy());
            }),
          ),
      });
      try {
        const r = runExec(transport.make(cluster.contexts), { argv: ['cat'] }, (s) => (s.pause(), paused()));
        // Held for longer than SPDY waits for stdout's end after a status (2 s): the end may come meanwhile, not the output's loss.
        await Promise.race([r.ended, new Promise((resolve) => setTimeout(resolve, closes ? 500 : 3_000))]);
        r.stream.resume();
        assert.equal(await withTimeout(r.ended, 10_000, 'the exec to end'), { kind: 'exited', code: 0 });
        assert.is(r.stdout().length, output.length);
        assert.is(sha(r.stdout()), sha(output));
      } finally {
        cluster.close();
      }
    });
  }

  test('close() ends the exec once, as dropped "closed", and the sandbox ends its processes', async () => {
    const groups = sandbox.liveProcessGroups().length;
    let ends = 0;
    const r = runExec(adapter, { argv: ['sleep', '300'] });
    void r.ended.then(() => ends++);
    await waitFor(() => sandbox.liveProcessGroups().length > groups, 'sleep to start');
    r.stream.close();
    r.stream.close();
    assert.equal(await r.ended, { kind: 'dropped', reason: 'closed' } satisfies ExecEnd);
    await waitFor(() => sandbox.liveProcessGroups().length === groups, 'the process to end');
    assert.is(ends, 1);
  });

  test('close() while paused lets the connection go at once: the cluster\'s answer is read, not waited out', async () => {
    const port = Number(new URL(sandbox.server).port);
    const before = clientPortsTo(port);
    const r = runExec(adapter, { argv: ['yes'] }, (stream) => stream.pause());
    let opened: number[] = [];
    await waitFor(() => r.protocol() !== '' && (opened = [...clientPortsTo(port)].filter((p) => !before.has(p))).length > 0, 'the exec to open');
    r.stream.close();
    assert.equal(await r.ended, { kind: 'dropped', reason: 'closed' } satisfies ExecEnd);
    await waitFor(() => opened.every((p) => !clientPortsTo(port).has(p)), 'the connection let go', 10_000);
  });

  test('a connection the cluster drops mid-output is reported as dropped', async () => {
    sandbox.setFaults([{ pod: 'web', dropAfterBytes: 10_000 }]);
    const r = runExec(adapter, { argv: ['head', '-c', '1000000', '/dev/zero'] });
    assert.is((await r.ended).kind, 'dropped');
    assert.ok(r.stdout().length <= 10_000);
  });

  test('a stalled connection (no data, no ping answers) is dropped by the liveness check', async () => {
    sandbox.setFaults([{ pod: 'web', stallAfterMs: 100, stallForMs: 20_000 }]);
    const quick = transport.make(KubeContexts.fromFile(sandbox.kubeconfigPath), { pingIntervalMs: 100, deadAfterMs: 600 });
    const end = await runExec(quick, { argv: ['sleep', '30'] }).ended;
    assert.is(end.kind, 'dropped');
    assert.match(end.kind === 'dropped' ? end.reason : '', 'no answer from the cluster');
  });

  test('a loop held past the liveness deadline is not a dead cluster: the exec runs on and exits', async () => {
    const quick = transport.make(KubeContexts.fromFile(sandbox.kubeconfigPath), { pingIntervalMs: 100, deadAfterMs: 300 });
    const r = runExec(quick, { argv: ['sh', '-c', 'echo started; sleep 2; echo done'] });
    await waitFor(() => r.stdout().toString() === 'started\n', 'the exec running');
    // the sandbox (in this process) can answer nothing meanwhile: a wall-clock rule sees 1 s of silence
    blockEventLoop(1_000);
    assert.equal(await r.ended, { kind: 'exited', code: 0 });
    assert.is(r.stdout().toString(), 'started\ndone\n');
  });

  test.run();
}
