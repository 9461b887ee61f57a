// A container's log keeps the last MiB of output, says when it dropped some, and cuts the last N
// lines as kubectl logs --tail asks.
import { test } from '../../support/test.ts';
import * as assert from 'uvu/assert';
import { LogBuffer, lastLines } from '../../../src/sandbox/processes/log-buffer.ts';

test('keeps the newest bytes within its limit, whatever the chunk sizes', () => {
  const log = new LogBuffer(10);
  log.append(Buffer.from('0123'));
  assert.is(log.truncated, false);
  log.append(Buffer.from('456789ab'));
  assert.is(log.contents().toString(), '23456789ab');
  assert.is(log.truncated, true);
  log.append(Buffer.from('cdefghijklmnop'));
  assert.is(log.contents().toString(), 'ghijklmnop');
});

test('a copy is kept: the writer may reuse its buffer', () => {
  const log = new LogBuffer(10);
  const chunk = Buffer.from('abc');
  log.append(chunk);
  chunk.write('xyz');
  assert.is(log.contents().toString(), 'abc');
});

test('the last N lines, a final line without a newline counting as one', () => {
  const text = Buffer.from('one\ntwo\nthree\n');
  assert.is(lastLines(text, 1).toString(), 'three\n');
  assert.is(lastLines(text, 2).toString(), 'two\nthree\n');
  assert.is(lastLines(text, 5).toString(), 'one\ntwo\nthree\n');
  assert.is(lastLines(text, 0).toString(), '');
  assert.is(lastLines(Buffer.from('a\nb'), 1).toString(), 'b');
  assert.is(lastLines(Buffer.from('\nb\n'), 2).toString(), '\nb\n');
});

test.run();
