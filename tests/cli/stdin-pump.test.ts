// A pipe into `octant-exec exec` whose program does not read (the server told the client to hold
// the session's input) stays in the pipe: past a MiB waiting in the socket client, stdin is read no
// further, and read again once what waits went (src/cli/terminal/stdin-pump.ts).
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { PassThrough } from 'node:stream';
import { PENDING_HIGH, pumpStdin } from '../../src/cli/terminal/stdin-pump.ts';
import { waitFor } from '../support/wait.ts';

test('past a MiB waiting unsent, the pipe is read no further; once it went, reading goes on to the end', async () => {
  const stdin = new PassThrough({ highWaterMark: 64 * 1024 });
  let waiting = 0;
  let taken = 0;
  /** the program reads its input: nothing waits */
  let reads = false;
  let ended = false;
  const stop = pumpStdin(
    { send: (bytes) => ((taken += bytes.length), (waiting += reads ? 0 : bytes.length)), pending: () => waiting, end: () => (ended = true), detach: () => {} },
    { detachKeys: false, bytesPerSecond: 1024 ** 3, stdin },
  );
  try {
    const total = 8 * PENDING_HIGH;
    const piece = Buffer.alloc(64 * 1024, 0x61);
    let written = 0;
    const writeAll = (async () => {
      while (written < total) {
        written += piece.length;
        if (!stdin.write(piece)) await new Promise((resolve) => stdin.once('drain', resolve));
      }
      stdin.end();
    })();
    await waitFor(() => taken > PENDING_HIGH, 'a MiB read');
    await new Promise((resolve) => setTimeout(resolve, 300)); // time to read more, were it reading
    assert.ok(taken <= PENDING_HIGH + 2 * piece.length, `${taken} bytes read while ${waiting} waited`);
    assert.ok(written < total, 'the writer waits on the pipe');
    [waiting, reads] = [0, true]; // what waited was sent, and the program reads from now on
    await writeAll;
    await waitFor(() => ended, 'the whole pipe read, and its end told');
    assert.is(taken, total);
  } finally {
    stop();
  }
});

test.run();
