// Input a program's stream cannot send on (the program does not read its stdin, or the link is
// slow) is bounded (src/runtime/terminal-io.ts): past a MiB waiting, those who type are told to
// hold it, and told again when it is back under a quarter of that; past 4 MiB more is refused
// (dropsInput says why) instead of kept. A stream that ends while held lets its holders go.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { makeSystem, settle, shellIn } from '../support/system.ts';
import { waitFor } from '../support/wait.ts';
import { INPUT_HELD_AT, INPUT_RELEASED_AT, MAX_INPUT_WAITING } from '../../src/runtime/terminal-io.ts';

const test = suite('input a program does not take: held, then refused');
const KIB_64 = new Uint8Array(64 * 1024);

async function stuckShell() {
  const { system, adapter } = makeSystem({ script: (s) => void s.open() });
  const told: string[] = [];
  system.io.listen({ inputHeld: (id, held) => told.push(`${id} ${held ? 'held' : 'released'}`) });
  system.exec(shellIn('web'), ['nginx']);
  await settle();
  const stream = adapter.streams[0].takeNoInput();
  /** writes 64 KiB pieces until `bytes` wait unsent; whether each was taken */
  const send = (bytes: number) => Array.from({ length: bytes / KIB_64.length }, () => system.io.input('t1', KIB_64));
  return { system, adapter, stream, told, send };
}

test('past a MiB unsent the viewers are told to hold their input, once; back under 256 KiB, told it goes again', async () => {
  const { system, stream, told, send } = await stuckShell();
  assert.ok(send(INPUT_HELD_AT).every(Boolean));
  assert.equal(told, [], 'a MiB waiting is not yet too much');
  assert.not.ok(system.io.isInputHeld('t1'));
  send(2 * KIB_64.length);
  assert.equal(told, ['t1 held']);
  assert.ok(system.io.isInputHeld('t1'));
  stream.takeInput();
  // what waited goes a joined write at a time (stdin-queue.ts), each after the one before was sent
  await waitFor(() => told.length > 1, 'the release');
  assert.equal(told, ['t1 held', 't1 released']);
  assert.not.ok(system.io.isInputHeld('t1'));
  assert.ok(INPUT_RELEASED_AT < INPUT_HELD_AT);
});

test('past 4 MiB waiting, more is refused and dropsInput says why; once taken, input goes again', async () => {
  const { system, stream, send } = await stuckShell();
  assert.ok(send(MAX_INPUT_WAITING).every(Boolean));
  const written = stream.written.length;
  assert.not.ok(system.io.input('t1', new TextEncoder().encode('one more')), 'refused');
  assert.is(system.io.dropsInput('t1'), 'unsent');
  assert.is(stream.written.length, written, 'nothing more reached the stream');
  stream.takeInput();
  await settle();
  assert.is(system.io.dropsInput('t1'), undefined);
  assert.ok(system.io.input('t1', new TextEncoder().encode('now')));
});

test('a stream that ends while its input is held lets its holders go; the next run takes input from nothing waiting', async () => {
  const { system, adapter, stream, told, send } = await stuckShell();
  send(INPUT_HELD_AT + KIB_64.length);
  stream.exit(0);
  await settle();
  assert.equal(told, ['t1 held', 't1 released']);
  system.restart('t1');
  await settle();
  adapter.last().takeNoInput();
  assert.ok(send(INPUT_HELD_AT).every(Boolean), 'the new run starts with nothing waiting');
  assert.equal(told, ['t1 held', 't1 released']);
});

test.run();
