// Real kubectl over SPDY/3.1 writing stdin faster than the process reads it. kubectl's SPDY
// (Go's spdystream) ignores the window the sandbox announces, so only the sandbox not reading its
// socket holds it back. Held, kubectl takes in no more than the pipe, its own buffers and the
// kernel's hold, with room; once the process reads, every byte arrives in order. Under Node a
// paused TLS socket stops reading anyway; under Deno it reads on unless the TCP handle under it is
// stopped as well (src/domain/socket-reading.ts), which this catches on the sandbox's side.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { Buffer } from 'node:buffer';
import { startKubectl, startTestSandbox } from '../support/sandbox.ts';
import { runExec } from '../support/sandbox-exec-client.ts';
import { waitFor, withTimeout } from '../support/wait.ts';

const sandbox = await startTestSandbox();
test.after(() => sandbox.close());

/**
 * More than the pipe, kubectl and the kernel's buffers hold on the way, with room (tcp_rmem's
 * maximum is 32 MiB a socket here). A sandbox that reads on while held passes it within seconds.
 */
const HELD_LIMIT = 128 * 2 ** 20;
const CHUNK = 64 * 1024;

test('kubectl over SPDY: a process that does not read holds kubectl back; every byte arrives once it reads', async () => {
  const go = `/tmp/go-kubectl-hold-${process.pid}`;
  const script = `echo ready; while [ ! -e ${go} ]; do sleep 0.05; done; sha256sum`;
  const run = startKubectl(sandbox, '1.33', ['exec', '-i', 'web', '-c', 'nginx', '--', 'sh', '-c', script], undefined, { KUBECTL_REMOTE_COMMAND_WEBSOCKETS: 'false' });
  const stdin = run.child.stdin!;
  let out = '';
  run.child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  try {
    await waitFor(() => out.includes('ready'), 'the process to start', 20_000);
    let written = 0;
    let stopped = false;
    const sent = createHash('sha256');
    const pump = () => {
      for (let turn = 0; !stopped && turn < 16; turn++) {
        const chunk = Buffer.alloc(CHUNK, (written / CHUNK) % 251);
        sent.update(chunk);
        written += chunk.length;
        if (!stdin.write(chunk)) return; // again on 'drain'
      }
      if (!stopped) setImmediate(pump);
    };
    stdin.on('drain', pump);
    pump();
    let last = -1;
    let since = performance.now();
    await waitFor(() => {
      if (written !== last) [last, since] = [written, performance.now()];
      return written > HELD_LIMIT || performance.now() - since > 500;
    }, 'kubectl to stall or pass the limit', 30_000);
    stopped = true;
    assert.ok(written <= HELD_LIMIT, `held, kubectl took ${written} bytes of stdin`);
    stdin.end();
    const touched = await runExec(sandbox, { pod: 'web', container: 'nginx', command: ['touch', go] });
    assert.is(touched.status()?.status, 'Success');
    const result = await withTimeout(run.done, 60_000, 'kubectl to end once the process reads');
    assert.is(result.code, 0, result.stderr);
    assert.is(out.replace('ready\n', '').split(' ')[0], sent.digest('hex'), `all ${written} bytes, in order`);
  } finally {
    run.child.kill('SIGKILL');
  }
});

test.run();
