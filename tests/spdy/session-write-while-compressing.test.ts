// A stream's writes must feel the socket's backpressure from the first byte. Right after a
// SYN_REPLY (or SYN_STREAM) the session's writer queues every frame behind the header block that
// zlib is compressing, so the socket itself looks empty: DATA written then went into that queue
// as fast as it came, write() never said "wait", and a producer that respects backpressure (the
// sandbox's process output, an upload's stdin) filled memory.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { SpdySession } from '../../src/spdy/session.ts';
import type { SpdyStream } from '../../src/spdy/stream.ts';
import { RawPeer, socketPair } from '../spdy/helpers.ts';
import { withTimeout } from '../support/wait.ts';

const test = suite('SPDY writes while a header block compresses', { deadlineMs: 30_000 });

test('writes right after reply() wait for the socket like any others', async () => {
  const [ours, theirs] = await socketPair();
  const peer = new RawPeer(theirs);
  const session = new SpdySession(ours, { role: 'server' });
  const total = 32 * 2 ** 20;
  const chunk = new Uint8Array(64 * 1024);
  const written = new Promise<number>((resolve) =>
    session.on('stream', (stream: SpdyStream) => {
      stream.reply();
      let bytes = 0;
      while (bytes < total && stream.write(chunk)) bytes += chunk.length;
      resolve(bytes);
    }),
  );
  try {
    await peer.sendWithHeaders({ type: 'syn_stream', streamId: 1, associatedToStreamId: 0, priority: 0, slot: 0, fin: false, unidirectional: false, headerBlock: new Uint8Array() }, { streamtype: 'stdout' });
    const bytes = await withTimeout(written, 10_000, 'the stream to be written');
    assert.ok(bytes < 2 ** 20, `${bytes} bytes written before write() said to wait`);
  } finally {
    session.destroy();
    peer.close();
  }
});

test.run();
