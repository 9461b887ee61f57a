// `octant-exec batch` whose stdout is read slower than its containers write (`… | less`, a slow
// disk): the containers are held back, as `octant-exec exec` holds its command back (it
// acknowledges output once written), so nothing piles up in the batch's memory; once read, every
// byte comes out.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { startTestSandbox, type Sandbox } from '../support/sandbox.ts';
import { startCli } from '../support/cli.ts';
import { waitFor, withTimeout } from '../support/wait.ts';

const test = suite('batch and a slow reader');
let sandbox: Sandbox & { scratch: string };

test.before(async () => {
  sandbox = await startTestSandbox();
});
test.after(() => sandbox.close());

const MIB = 1024 * 1024;
const CHUNKS = 96;
/** Far more than the pipe, the sockets and the sandbox hold between the producer and a reader that stopped. */
const MOST_AHEAD = 40;

test('a reader that stops holds the container back; reading on, all its output comes, exit 0', async () => {
  // a MiB of output at a time, then how many have gone on stderr (stderr goes through the batch too)
  const producer = `i=0; while [ $i -lt ${CHUNKS} ]; do head -c ${MIB} /dev/zero; i=$((i+1)); echo wrote $i >&2; done`;
  const cli = startCli(['batch', '--kubeconfig', sandbox.kubeconfigPath, '-c', 'nginx', 'web', '--', 'sh', '-c', producer]);
  try {
    const stdout = cli.child.stdout!;
    stdout.removeAllListeners('data');
    // the first output read (the producer runs), then no more for a while
    let read = 0;
    const count = (chunk: Buffer) => (read += chunk.length);
    stdout.on('data', count);
    await waitFor(() => read > 0, 'the first output', 60_000);
    stdout.off('data', count);
    stdout.pause();
    const written = () => Math.max(0, ...[...cli.stderr().matchAll(/^web\/nginx ! wrote (\d+)$/gm)].map((m) => Number(m[1])));
    // Not reading: the producer goes on until something holds it back (or it is done). Settled
    // once its count stays the same over a few looks.
    let last = -1;
    let same = 0;
    await waitFor(
      async () => {
        const now = written();
        same = now === last ? same + 1 : 0;
        last = now;
        if (now === CHUNKS || same >= 6) return true;
        await new Promise((resolve) => setTimeout(resolve, 500));
        return false;
      },
      'the producer to be held back, or done',
      60_000,
    );
    assert.ok(written() <= MOST_AHEAD, `${written()} MiB written while nothing was read: the batch held them in its memory`);
    stdout.on('data', count);
    stdout.resume();
    assert.is(await withTimeout(cli.exit, 60_000, 'the batch to end once read'), 0, cli.stderr().slice(-2000));
    assert.is(written(), CHUNKS);
    // each 64 KiB piece of the line with no end on a line of its own, prefixed "web/nginx | "
    assert.is(read, CHUNKS * MIB + (CHUNKS * MIB) / (64 * 1024) * 'web/nginx | \n'.length);
  } finally {
    cli.child.kill('SIGKILL');
  }
});

test.run();
