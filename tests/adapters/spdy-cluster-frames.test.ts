// The SPDY exec adapter against a cluster (or a proxy) that sends frames remotecommand never
// does: a frame the parser rejects right behind the last output, DATA on the stdin and resize
// streams (nobody reads them), a WINDOW_UPDATE that overflows an output stream's window (a
// direction we never send in). None of them may cost output that arrived, or hold the exec until
// the liveness check gives up on it a minute later with the wrong reason.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { Buffer } from 'node:buffer';
import type { Duplex } from 'node:stream';
import type { ExecRequest } from '../../src/adapters/exec.ts';
import { SpdyExecAdapter } from '../../src/adapters/kubernetes/spdy-exec.ts';
import { encodeFrame } from '../../src/spdy/frames.ts';
import type { SpdySession } from '../../src/spdy/session.ts';
import type { SpdyStream } from '../../src/spdy/stream.ts';
import { runExec } from '../support/exec-run.ts';
import { withTimeout } from '../support/wait.ts';
import { catchUncaught, execStreams, fakeCluster } from './fake-cluster.ts';

const test = suite('SPDY frames a hostile cluster sends', { deadlineMs: 30_000 });

type Script = (streams: Record<string, SpdyStream>, session: SpdySession, socket: Duplex) => void;

/** One exec against a cluster whose streams (`wanted`) `script` drives; `socket` takes raw frames. */
async function against(wanted: string[], request: Partial<ExecRequest>, script: Script) {
  const cluster = await fakeCluster({ spdy: (session, _request, socket) => execStreams(session, wanted, (streams) => script(streams, session, socket)) });
  const uncaught = catchUncaught();
  try {
    const run = runExec(new SpdyExecAdapter(cluster.contexts), { argv: ['sh'], ...request });
    const end = await withTimeout(run.ended, 10_000, 'the exec to end');
    return { end, stdout: run.stdout().toString(), uncaught: uncaught.errors.map((error) => error.message) };
  } finally {
    uncaught.stop();
    cluster.close();
  }
}

/** Once the session's own frames so far (the replies) are out: a raw write then comes after them. */
const afterReplies = (session: SpdySession, then: () => void) => void session.ping().then(then);

test('output right before a frame the parser rejects, in the same read, is delivered; the exec is dropped', async () => {
  const version2 = encodeFrame({ type: 'ping', id: 1 });
  version2[1] = 2; // SPDY/2: no frame boundary can be trusted after it
  const r = await against(['error', 'stdout', 'stderr'], {}, (streams, session, socket) =>
    afterReplies(session, () => socket.write(Buffer.concat([encodeFrame({ type: 'data', streamId: streams.stdout!.id, fin: false, data: Buffer.from('last words') }), version2]))),
  );
  assert.equal(r.uncaught, []);
  assert.is(r.stdout, 'last words');
  assert.is(r.end.kind, 'dropped');
  assert.match(r.end.kind === 'dropped' ? r.end.reason : '', 'SPDY version 2');
});

for (const [which, wanted, request] of [
  ['stdin', ['error', 'stdin', 'stdout', 'stderr'], { stdin: true }],
  ['resize', ['error', 'stdout', 'resize'], { tty: true }],
] as const) {
  test(`DATA the cluster sends on the ${which} stream is read and dropped: more than a window of it does not stop the exec`, async () => {
    const r = await against([...wanted], request, (streams) =>
      // four windows, all of them on the wire before the output and the status
      streams[which]!.write(new Uint8Array(256 * 1024), () => {
        streams.stdout!.end('hello');
        streams.stderr?.end();
        streams.error!.end();
      }),
    );
    assert.equal(r.uncaught, []);
    assert.equal(r.end, { kind: 'exited', code: 0 });
    assert.is(r.stdout, 'hello');
  });
}

test("a WINDOW_UPDATE that overflows stdout's window (we never send there) is ignored: the output comes through", async () => {
  const r = await against(['error', 'stdout', 'stderr'], {}, (streams, session, socket) =>
    afterReplies(session, () => {
      const overflow = encodeFrame({ type: 'window_update', streamId: streams.stdout!.id, delta: 0x7fffffff });
      socket.write(Buffer.concat([overflow, overflow]));
      streams.stdout!.end('ok');
      streams.stderr!.end();
      streams.error!.end();
    }),
  );
  assert.equal(r.uncaught, []);
  assert.equal(r.end, { kind: 'exited', code: 0 });
  assert.is(r.stdout, 'ok');
});

test.run();
