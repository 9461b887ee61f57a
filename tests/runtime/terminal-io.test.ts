import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { makeSystem, settle, shellIn } from '../support/system.ts';

const test = suite('data plane: bytes beside the actors, activity into them');
const decode = (chunks: Uint8Array[]) => chunks.map((c) => new TextDecoder().decode(c)).join('');

test('output reaches listeners and never the event log', async () => {
  const { system, adapter } = makeSystem({ script: (s) => void s.open() });
  const seen: string[] = [];
  system.io.listen({ output: (id, channel, chunk) => seen.push(`${id}:${channel}:${decode([chunk])}`) });
  system.exec(shellIn('web'), ['nginx']);
  await settle();
  adapter.streams[0].stdout('secret-output').stderr('oops');
  await settle(); // output goes on a turn at a time (output-batch.ts)
  assert.equal(seen, ['t1:stdout:secret-output', 't1:stderr:oops']);
  assert.not.match(JSON.stringify(system.entries()), /secret-output/);
});

test('what came in one turn reaches listeners as one chunk per stream, and all of it before a resize or the stream\'s end', async () => {
  const { system, adapter } = makeSystem({ script: (s) => void s.open() });
  const seen: string[] = [];
  system.io.listen({
    output: (_id, channel, chunk) => seen.push(`${channel}:${decode([chunk])}`),
    resized: (_id, cols, rows) => seen.push(`resized ${cols}x${rows}`),
    streamClosed: () => seen.push('closed'),
  });
  system.exec(shellIn('web'), ['nginx']);
  await settle();
  const stream = adapter.streams[0];
  stream.stdout('a').stdout('b').stderr('c').stdout('d');
  system.resize('t1', 100, 30);
  stream.stdout('drawn at 100x30');
  stream.exit(0);
  assert.equal(seen, ['stdout:ab', 'stderr:c', 'stdout:d', 'resized 100x30', 'stdout:drawn at 100x30', 'closed']);
  seen.length = 0;
  system.exec(shellIn('web'), ['nginx']);
  await settle();
  adapter.last().stdout('last words');
  system.close('t2'); // closed while its output is still held: the output goes first
  assert.equal(seen, ['stdout:last words', 'closed']);
});

test('keystrokes reach the running stream and stay out of the log', async () => {
  const { system, adapter } = makeSystem({ script: (s) => void s.open() });
  system.exec(shellIn('web'), ['nginx']);
  await settle();
  assert.ok(system.io.input('t1', new TextEncoder().encode('my-password\r')));
  system.io.input('t1', new TextEncoder().encode('ls\r'));
  await settle(); // a write at a time: the second goes once the first was sent (stdin-queue.ts)
  assert.is(adapter.streams[0].input, 'my-password\rls\r');
  adapter.streams[0].exit(0);
  assert.not.match(JSON.stringify(system.entries()), /password/);
});

test('input for a session without a running stream is refused, and stdin can be closed', async () => {
  const { system, adapter } = makeSystem({ script: (s) => void s.open() });
  system.exec(shellIn('web'), ['nginx']);
  await settle();
  assert.ok(system.io.closeStdin('t1'));
  assert.is(adapter.streams[0].stdinClosed, true);
  adapter.streams[0].exit(0);
  assert.is(system.io.input('t1', new Uint8Array([1])), false);
  assert.is(system.io.input('t9', new Uint8Array([1])), false);
});

test('a claimed session\'s output goes to its one reader, never to the listeners (a file transfer\'s bytes)', async () => {
  const { system, adapter } = makeSystem({ script: (s) => void s.open() });
  const heard: string[] = [];
  system.io.listen({ output: (id, _channel, chunk) => heard.push(`${id}:${decode([chunk])}`) });
  system.exec(shellIn('web', 'all'), ['nginx', 'sidecar']);
  await settle();
  const claimed: string[] = [];
  const release = system.io.claim('t1', (channel, chunk) => claimed.push(`${channel}:${decode([chunk])}`));
  adapter.streams[0].stdout('tar-bytes').stderr('tar: warning');
  adapter.streams[1].stdout('terminal');
  await settle();
  assert.equal(claimed, ['stdout:tar-bytes', 'stderr:tar: warning']);
  assert.equal(heard, ['t2:terminal']);
  release();
  adapter.streams[0].stdout('late');
  await settle();
  assert.equal(heard, ['t2:terminal'], 'late output of a released transfer goes nowhere');
});

test('a claim let go after its stream ended is forgotten, not kept as one more entry per transfer', async () => {
  const { system, adapter } = makeSystem({ script: (s) => void s.open() });
  const heard: string[] = [];
  system.io.listen({ output: (id, _channel, chunk) => heard.push(`${id}:${decode([chunk])}`) });
  system.exec(shellIn('web'), ['nginx']);
  await settle();
  const release = system.io.claim('t1', () => {});
  adapter.streams[0].exit(0); // tar exited before the transfer let go (its answer was still going out)
  await settle();
  release();
  // nothing of the claim is left: the id routes as any session's (a kept let-go entry would swallow this)
  system.io.output('t1', 'stdout', new TextEncoder().encode('after'));
  assert.equal(heard, ['t1:after']);
});

test('input\'s sent callback tells a bulk writer when to go on', async () => {
  const { system } = makeSystem({ script: (s) => void s.open() });
  system.exec(shellIn('web'), ['nginx']);
  await settle();
  let sent = 0;
  assert.ok(system.io.input('t1', new Uint8Array(10), () => sent++));
  await settle();
  assert.is(sent, 1);
});

test('flow control pauses and resumes the upstream of one session', async () => {
  const { system, adapter } = makeSystem({ script: (s) => void s.open() });
  system.exec(shellIn('web', 'all'), ['nginx', 'sidecar']);
  await settle();
  system.io.pause('t2');
  assert.equal(adapter.streams.map((s) => s.paused), [false, true]);
  system.io.resume('t2');
  assert.is(adapter.streams[1].paused, false);
});

test.run();
