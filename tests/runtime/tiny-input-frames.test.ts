// Input that comes a byte at a time costs the server its bytes, not an object per piece
// (helper-199's review: 2 M one-byte frames took a server from 230 MB to 1.4 GB). A stream's stdin
// has a few writes out at a time, what comes meanwhile joined (src/runtime/stdin-queue.ts), in order,
// its end after it, each writer told once its bytes left; what is kept while an Auto attempt may
// never have run, or while an exec connects, is joined too; and no bytes are no input.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { makeSystem, settle, shellIn } from '../support/system.ts';
import { waitFor } from '../support/wait.ts';
import { INPUT_HELD_AT } from '../../src/runtime/terminal-io.ts';
import { JOINED_WRITE_BYTES, WRITES_OUT } from '../../src/runtime/stdin-queue.ts';
import { UnansweredInput } from '../../src/runtime/unanswered-input.ts';
import { ConnectingInput } from '../../src/server/connecting-input.ts';

const test = suite('input a byte at a time', { deadlineMs: 30_000 });
const byte = (i: number) => Uint8Array.of(i % 251);
const bytesOf = (chunks: Uint8Array[]) => chunks.reduce((sum, chunk) => sum + chunk.length, 0);
const concat = (chunks: Uint8Array[]) => {
  const all = new Uint8Array(bytesOf(chunks));
  let at = 0;
  for (const chunk of chunks) {
    all.set(chunk, at);
    at += chunk.length;
  }
  return all;
};
/** whether `all` is byte(0), byte(1), … byte(n - 1) */
const inOrder = (all: Uint8Array, n: number) => all.length === n && all.every((value, i) => value === i % 251);

async function stuckShell() {
  const made = makeSystem({ script: (s) => void s.open() });
  const told: string[] = [];
  made.system.io.listen({ inputHeld: (_id, held) => told.push(held ? 'held' : 'released') });
  made.system.exec(shellIn('web'), ['nginx']);
  await settle();
  return { ...made, told, stream: made.adapter.streams[0].takeNoInput() };
}

test('a million and more one-byte inputs to a program that does not read: a few writes out, the rest joined; held, then all of it in order once it reads', async () => {
  const { system, stream, told } = await stuckShell();
  const n = INPUT_HELD_AT + 1000;
  let refused = 0;
  for (let i = 0; i < n; i++) if (!system.io.input('t1', byte(i))) refused++;
  assert.is(refused, 0);
  assert.is(stream.written.length, WRITES_OUT, `the stream was handed ${stream.written.length} writes while none was sent: each would cost the server a write's objects`);
  assert.equal(told, ['held'], 'past a MiB waiting, counted in bytes as before');
  stream.takeInput();
  await waitFor(() => bytesOf(stream.written) === n, 'all of it written');
  assert.ok(stream.written.length <= WRITES_OUT + 1 + Math.ceil(n / JOINED_WRITE_BYTES), `${stream.written.length} writes`);
  assert.ok(inOrder(concat(stream.written), n), 'every byte, in order');
  await waitFor(() => told.length === 2, 'the release');
  assert.equal(told, ['held', 'released']);
});

test("stdin's end waits behind the bytes still waiting; each writer's sent is told once its bytes left, in order", async () => {
  const { system, stream } = await stuckShell();
  const sent: number[] = [];
  const n = WRITES_OUT + 5; // the last five wait, joined, while the first writes are out
  for (let i = 0; i < n; i++) assert.ok(system.io.input('t1', byte(i), () => sent.push(i)));
  let writtenAtEnd = -1;
  const closeStdin = stream.closeStdin.bind(stream);
  stream.closeStdin = () => {
    writtenAtEnd = bytesOf(stream.written);
    closeStdin();
  };
  assert.ok(system.io.closeStdin('t1'));
  assert.is(writtenAtEnd, -1, 'not before what waits');
  assert.is(system.io.input('t1', byte(n)), false, 'nothing after the end is input');
  assert.equal(sent, []);
  stream.takeInput();
  await waitFor(() => sent.length === n, 'every writer told');
  assert.equal(sent, [...Array(n).keys()]);
  assert.is(writtenAtEnd, n, 'the end came after the last byte');
  assert.ok(inOrder(concat(stream.written), n));
});

test('no bytes are no input: nothing written, and an idle terminal stays idle; a key makes it live again', async () => {
  const { system, stream, clock } = await stuckShell();
  stream.takeInput();
  clock.advanceBy(61_000);
  assert.is(system.sessionList.byId.t1.state, 'idle');
  for (let i = 0; i < 1000; i++) assert.ok(system.io.input('t1', new Uint8Array(0)));
  await settle();
  assert.is(stream.written.length, 0, 'nothing went to the stream');
  assert.is(system.sessionList.byId.t1.state, 'idle', 'no typing');
  assert.ok(system.io.input('t1', byte(0)));
  await settle();
  assert.is(system.sessionList.byId.t1.state, 'interactive');
});

test('kept while an Auto attempt may never have run, or while an exec connects: joined, not a piece each', () => {
  const unanswered = new UnansweredInput();
  for (let i = 0; i < 60_000; i++) assert.ok(unanswered.typed(byte(i)));
  const carried = unanswered.carried()!;
  assert.is(carried.chunks.length, 1);
  assert.ok(inOrder(concat(carried.chunks), 60_000));

  const connecting = new ConnectingInput<string>();
  for (let i = 0; i < 30_000; i++) assert.ok(connecting.hold('t1', byte(i), i < 20_000 ? 'alice' : 'bob'));
  const held = connecting.take('t1');
  assert.equal(held.map(({ by, bytes }) => [by, bytes.length]), [['alice', 20_000], ['bob', 10_000]], "one piece for each person's keys in a row");
  assert.ok(inOrder(concat(held.map(({ bytes }) => bytes)), 30_000));
});

test.run();
