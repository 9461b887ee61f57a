// A cluster (or proxy) that opens streams of its own towards the SPDY exec adapter: nothing in
// remotecommand does, and nobody in the adapter reads them. Kept open, such a stream's unread data
// passes its window and the session stops reading the socket (the overrun brake), so the exec's
// own output stops too; and a stream object per SYN_STREAM is memory the cluster decides.
// A session with no one to take a stream refuses it (RST_STREAM REFUSED_STREAM), as Go's
// spdystream does without a handler.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { SpdyExecAdapter } from '../../src/adapters/kubernetes/spdy-exec.ts';
import { RstStatus } from '../../src/spdy/frames.ts';
import { runExec } from '../support/exec-run.ts';
import { withTimeout } from '../support/wait.ts';
import { execStreams, fakeCluster } from './fake-cluster.ts';

const test = suite('streams a cluster opens towards the SPDY adapter', { deadlineMs: 30_000 });

test('a stream the cluster opens is refused; the exec goes on and ends as usual', async () => {
  const pushed: number[] = [];
  const cluster = await fakeCluster({
    spdy: (session) =>
      execStreams(session, ['error', 'stdout', 'stderr'], (streams) => {
        const extra = session.openStream({ streamtype: 'stdout' });
        extra.on('error', () => {});
        extra.on('close', () => pushed.push(extra.resetStatus ?? 0));
        extra.write(new Uint8Array(256 * 1024));
        // after the extra stream's data: the brake, if it holds, holds this back
        void session.ping().then(() => {
          streams.stdout!.end('hello');
          streams.stderr!.end();
          streams.error!.end();
        });
      }),
  });
  try {
    const run = runExec(new SpdyExecAdapter(cluster.contexts), { argv: ['sh'] });
    assert.equal(await withTimeout(run.ended, 10_000, 'the exec to end'), { kind: 'exited', code: 0 });
    assert.is(run.stdout().toString(), 'hello');
    assert.equal(pushed, [RstStatus.RefusedStream]);
  } finally {
    cluster.close();
  }
});

test.run();
