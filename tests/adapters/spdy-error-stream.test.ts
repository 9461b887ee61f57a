// The SPDY exec adapter and the error stream, which carries the exec's Status: a cluster (or a
// proxy) may put anything there. A Status of the wrong shape must not throw where it is read (an
// uncaught exception in a stream's 'end' handler: the whole server gone), a JSON value that is not
// an object must still end the exec, and an error stream that never ends must not grow memory
// without bound: client-go reads a Status, not a stream. An error stream reset (RST_STREAM) while
// the connection lives brings no Status at all, and must not leave the exec waiting for one; nor
// does one we reset because the cluster broke the protocol on it, which is ours to say.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { SpdyExecAdapter } from '../../src/adapters/kubernetes/spdy-exec.ts';
import type { SpdyStream } from '../../src/spdy/stream.ts';
import type { SpdySession } from '../../src/spdy/session.ts';
import { encodeFrame } from '../../src/spdy/frames.ts';
import type { Duplex } from 'node:stream';
import { runExec } from '../support/exec-run.ts';
import { waitFor, withTimeout } from '../support/wait.ts';
import { catchUncaught, execStreams, fakeCluster } from './fake-cluster.ts';

const test = suite('the SPDY error stream from a hostile cluster', { deadlineMs: 30_000 });

/** One exec (no stdin, no tty) against a cluster whose streams `script` drives; the session stays open. */
async function against(script: (streams: Record<string, SpdyStream>, session: SpdySession, socket: Duplex) => void) {
  const cluster = await fakeCluster({ spdy: (session, _request, socket) => execStreams(session, ['error', 'stdout', 'stderr'], (streams) => script(streams, session, socket)) });
  const uncaught = catchUncaught();
  try {
    const run = runExec(new SpdyExecAdapter(cluster.contexts), { argv: ['sh'] });
    const end = await withTimeout(run.ended, 10_000, 'the exec to end');
    await waitFor(() => cluster.open() === 0, 'the adapter to close its connection');
    return { end, output: run.stdout().toString('utf8'), uncaught: uncaught.errors.map((error) => error.message) };
  } finally {
    uncaught.stop();
    cluster.close();
  }
}

const finish = (streams: Record<string, SpdyStream>, status: string) => {
  streams.stdout!.end();
  streams.stderr!.end();
  streams.error!.end(status);
};

test('a Status whose causes are not all objects: read without a crash, its exit code kept', async () => {
  const status = { status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [null, 'x', { reason: 'ExitCode', message: '3' }] } };
  const r = await against((streams) => finish(streams, JSON.stringify(status)));
  assert.equal(r.uncaught, []);
  assert.equal(r.end, { kind: 'exited', code: 3 });
});

test('a Status of JSON null, a number or a list ends the exec as a failure', async () => {
  for (const text of ['null', '7', '[1]']) {
    const r = await against((streams) => finish(streams, text));
    assert.equal(r.uncaught, []);
    assert.is(r.end.kind, 'failed', text);
  }
});

test('an error stream that goes on and on is cut off: the exec fails instead of collecting it', async () => {
  const total = 32 * 2 ** 20;
  let written = 0;
  const r = await against((streams, session) => {
    streams.stdout!.end();
    streams.stderr!.end();
    const chunk = new Uint8Array(64 * 1024).fill(0x20);
    const more = () => {
      for (let ok = true; ok && written < total && !streams.error!.destroyed; written += chunk.length) ok = streams.error!.write(chunk);
      if (written >= total) streams.error!.end();
    };
    streams.error!.on('drain', more);
    // once the replies are out (a ping's answer comes after them): writes then wait for the socket
    void session.ping().then(more);
  });
  assert.equal(r.uncaught, []);
  assert.is(r.end.kind, 'failed');
  assert.ok(written < total, `the cluster wrote all of its ${total} bytes of error stream, and the adapter took them`);
});

test('an error stream reset while the connection lives ends the exec after its output, its ending named as unknown', async () => {
  const r = await against((streams) => {
    streams.stdout!.end('last words');
    streams.stderr!.end();
    streams.error!.reset();
  });
  assert.equal(r.uncaught, []);
  assert.is(r.output, 'last words');
  assert.is(r.end.kind, 'failed');
  assert.match(r.end.kind === 'failed' ? r.end.failure.message : '', /reset the exec's status stream/);
});

test('an error stream we reset (the cluster answered it twice) is not said to be reset by the cluster', async () => {
  // A second SYN_REPLY for the error stream. Its header block (no headers) is a stored deflate
  // block: valid at any point of the session's zlib stream, which every block leaves byte-aligned.
  const noHeaders = Uint8Array.of(0x00, 0x04, 0x00, 0xfb, 0xff, 0, 0, 0, 0);
  const r = await against((streams, session, socket) =>
    void session.ping().then(() => {
      socket.write(encodeFrame({ type: 'syn_reply', streamId: streams.error!.id, fin: false, headerBlock: noHeaders }));
      streams.stdout!.end('last words');
      streams.stderr!.end();
    }),
  );
  assert.equal(r.uncaught, []);
  assert.is(r.output, 'last words');
  const message = r.end.kind === 'failed' ? r.end.failure.message : '';
  assert.match(message, /octant-exec reset/);
  assert.match(message, 'answered the stream twice');
  assert.not.match(message, /cluster reset/);
});

test.run();
