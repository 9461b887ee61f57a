// The WebSocket exec adapter against a cluster (or proxy) that sends what client-node's channel
// splitter does not expect: a frame on a channel nobody asked for (stderr under a TTY, the v5
// close channel 255, an unknown one), a status that is not JSON or not Status-shaped, output after
// the status. client-node throws on each inside the socket's message handler, which is an uncaught
// exception: the whole server would go. kubectl discards unknown channels (client-go's
// "Unknown stream id, discarding message") and reports an unreadable status as an error.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { Buffer } from 'node:buffer';
import type { WebSocket } from 'ws';
import { WebSocketExecAdapter } from '../../src/adapters/kubernetes/websocket-exec.ts';
import { statusFromText } from '../../src/adapters/kubernetes/channel-socket.ts';
import { runExec } from '../support/exec-run.ts';
import { withTimeout } from '../support/wait.ts';
import { catchUncaught, fakeCluster } from './fake-cluster.ts';

const test = suite('WebSocket channels from a hostile cluster', { deadlineMs: 20_000 });
const frame = (channel: number, payload: string | Uint8Array) => Buffer.concat([Buffer.of(channel), Buffer.from(payload)]);
const success = JSON.stringify({ metadata: {}, status: 'Success' });

/** Runs one exec against a cluster that sends `frames` (then closes normally); what came of it. */
async function against(frames: Buffer[], request: { tty: boolean }) {
  const cluster = await fakeCluster({
    websocket: (socket: WebSocket) => {
      for (const each of frames) socket.send(each);
      socket.close(1000);
    },
  });
  const uncaught = catchUncaught();
  try {
    const run = runExec(new WebSocketExecAdapter(cluster.contexts), { argv: ['sh'], stdin: true, ...request });
    const end = await withTimeout(run.ended, 10_000, 'the exec to end');
    return { end, stdout: run.stdout().toString(), uncaught: uncaught.errors.map((error) => error.message) };
  } finally {
    uncaught.stop();
    cluster.close();
  }
}

test('frames on channels nobody asked for are discarded; the rest of the exec is intact', async () => {
  const r = await against([frame(1, 'a'), frame(2, 'stderr under a tty'), frame(255, Buffer.of(1)), frame(9, 'x'), frame(1, 'b'), frame(3, success)], { tty: true });
  assert.equal(r.uncaught, []);
  assert.equal(r.end, { kind: 'exited', code: 0 });
  assert.is(r.stdout, 'ab');
});

test('a status that is not JSON ends the exec as a failure that shows it, without a crash', async () => {
  const r = await against([frame(1, 'a'), frame(3, '<html>bad gateway</html>')], { tty: false });
  assert.equal(r.uncaught, []);
  assert.is(r.end.kind, 'failed');
  assert.match(JSON.stringify(r.end), 'bad gateway');
});

test('a status of the wrong shape (causes that are not objects) ends the exec, without a crash', async () => {
  const status = { status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [null, 'x', { reason: 'ExitCode', message: '3' }] } };
  const r = await against([frame(3, JSON.stringify(status))], { tty: false });
  assert.equal(r.uncaught, []);
  assert.equal(r.end, { kind: 'exited', code: 3 });
  const odd = await against([frame(3, JSON.stringify({ status: 'Failure', message: ['executable file not found'], details: { causes: 'x' } }))], { tty: false });
  assert.equal(odd.uncaught, []);
  assert.is(odd.end.kind, 'failed');
});

test('a Status of megabytes is cut to a readable size that says it was cut: the failure and the event log take its message', async () => {
  const r = await against([frame(3, JSON.stringify({ status: 'Failure', message: `pods "web" said: ${'x'.repeat(3 * 2 ** 20)}` }))], { tty: false });
  assert.is(r.end.kind, 'failed');
  const message = r.end.kind === 'failed' ? r.end.failure.message : '';
  assert.ok(message.length < 2_000, `a message of ${message.length} characters`);
  assert.match(message, 'pods "web" said: xxx');
  assert.match(message, /more characters cut/);
  // every text field, and how many causes
  const causes = [{ reason: 'C'.repeat(100_000), message: '3'.repeat(100_000) }, ...Array.from({ length: 100_000 }, () => ({ reason: 'ExitCode', message: '3' }))];
  const status = statusFromText(JSON.stringify({ status: 'F'.repeat(100_000), reason: 'R'.repeat(100_000), details: { causes } }));
  assert.ok(JSON.stringify(status).length < 50_000, `a Status of ${JSON.stringify(status).length} characters kept`);
});

test('output after the status is dropped, without a crash', async () => {
  const r = await against([frame(1, 'a'), frame(3, success), frame(1, 'late'), frame(2, 'late')], { tty: false });
  assert.equal(r.uncaught, []);
  assert.equal(r.end, { kind: 'exited', code: 0 });
  assert.is(r.stdout, 'a');
});

// Output held while the page is behind is delivered when the status ends the exec; a listener
// that closes the exec while taking it (a page closing its tab) must not hear two endings.
test('an exec closed while its held output is delivered at the end reports one ending', async () => {
  // Both stdout frames and the status in one TCP write: ws parses them all in one go, so the
  // second chunk is held (the first paused the exec) when the status ends it.
  const unmasked = (payload: Buffer) => Buffer.concat([Buffer.of(0x82, payload.length), payload]);
  const cluster = await fakeCluster({
    websocket: (socket: WebSocket) => {
      const raw = (socket as unknown as { _socket: { write(bytes: Buffer): void } })._socket;
      raw.write(Buffer.concat([frame(1, 'first'), frame(1, 'second'), frame(3, success)].map(unmasked)));
    },
  });
  try {
    const endings: string[] = [];
    let ended!: () => void;
    const first = new Promise<void>((resolve) => (ended = resolve));
    const adapter = new WebSocketExecAdapter(cluster.contexts);
    const stream = adapter.open(
      { target: { namespace: 'default', pod: 'web', container: 'nginx' }, tty: false, stdin: false, argv: ['sh'] },
      {
        opened: () => {},
        stdout: (chunk) => (Buffer.from(chunk).toString() === 'first' ? stream.pause() : stream.close()),
        stderr: () => {},
        ended: (end) => (endings.push(JSON.stringify(end)), ended()),
      },
    );
    await withTimeout(first, 10_000, 'the exec to end');
    await new Promise((resolve) => setTimeout(resolve, 50)); // a second ending would come with the first
    assert.equal(endings, [JSON.stringify({ kind: 'dropped', reason: 'closed' })]);
  } finally {
    cluster.close();
  }
});

test.run();
