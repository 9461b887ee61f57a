// A terminal's output is passed on a turn at a time: what came in one turn goes on as one chunk,
// in order, stdout and stderr apart, never bigger than a page acknowledgement's worth, and never
// later than the end of the turn it came in.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { MAX_BATCH_BYTES, OutputBatch } from '../../src/runtime/output-batch.ts';
import type { OutputChannel } from '../../src/runtime/terminal-io.ts';

const test = suite('output batch: one turn of output, one chunk');
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const turnEnds = () => new Promise<void>((resolve) => setImmediate(resolve));

function batch() {
  const delivered: { channel: OutputChannel; text: string; length: number }[] = [];
  const output = new OutputBatch((channel, chunk) => delivered.push({ channel, text: decoder.decode(chunk), length: chunk.length }));
  return { output, delivered };
}

test('chunks of one turn go on as one, in order, once the turn\'s work is done and not before', async () => {
  const { output, delivered } = batch();
  for (const part of ['a', 'b', 'c']) output.add('stdout', encoder.encode(part));
  assert.equal(delivered, [], 'nothing goes on while the turn is still delivering');
  await Promise.resolve();
  assert.equal(delivered, [{ channel: 'stdout', text: 'abc', length: 3 }]);
  output.add('stdout', encoder.encode('d'));
  await turnEnds();
  assert.equal(delivered.map((d) => d.text), ['abc', 'd'], 'the next turn\'s output is its own chunk');
});

test('stdout and stderr stay apart and in the order they came', async () => {
  const { output, delivered } = batch();
  output.add('stdout', encoder.encode('out1 '));
  output.add('stdout', encoder.encode('out2 '));
  output.add('stderr', encoder.encode('err1 '));
  output.add('stdout', encoder.encode('out3'));
  await turnEnds();
  assert.equal(delivered.map((d) => `${d.channel}:${d.text}`), ['stdout:out1 out2 ', 'stderr:err1 ', 'stdout:out3']);
});

test('a merged chunk never passes the cap; a chunk bigger than the cap goes on alone and whole', async () => {
  const { output, delivered } = batch();
  const read = new Uint8Array(4095).fill(0x41); // a PTY read
  for (let i = 0; i < 9; i++) output.add('stdout', read);
  output.add('stdout', new Uint8Array(MAX_BATCH_BYTES + 1).fill(0x42));
  output.add('stdout', read);
  await turnEnds();
  assert.equal(delivered.map((d) => d.length), [4 * 4095, 4 * 4095, 4095, MAX_BATCH_BYTES + 1, 4095]);
  assert.is(delivered.reduce((sum, d) => sum + d.length, 0), 10 * 4095 + MAX_BATCH_BYTES + 1, 'every byte went on');
});

test('flush passes on what is held at once, and the turn\'s end has nothing left to pass on', async () => {
  const { output, delivered } = batch();
  output.add('stdout', encoder.encode('last words'));
  output.add('stdout', new Uint8Array(0));
  output.flush();
  assert.equal(delivered.map((d) => d.text), ['last words']);
  await turnEnds();
  assert.is(delivered.length, 1);
  output.flush();
  assert.is(delivered.length, 1, 'flushing nothing delivers nothing (no empty chunk)');
});

test.run();
