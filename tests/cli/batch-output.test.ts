// How `octant-exec batch` prints what its commands print, on its own: lines whole and in order
// whatever the chunks, a line with no end printed in pieces as it comes (never held whole), and
// grouped/json output kept up to a bound per container, saying how much more came.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { BatchPrinter, MAX_KEPT, MAX_LINE, summaryTable } from '../../src/cli/batch/batch-output.ts';
import type { BatchResult, BatchRow } from '../../src/events/projections/batches.ts';

const bytes = (text: string) => new TextEncoder().encode(text);
const exited = { state: 'exited', exitCode: 0, target: { namespace: 'n', pod: 'p', container: 'c' }, sessionId: 's1' } as unknown as BatchResult;
const batch = { batchId: 'b1', argv: ['x'], concurrency: 1, totals: { succeeded: 1, failed: 0, skipped: 0 }, results: [exited] } as unknown as BatchRow;

function printer(mode: 'prefixed' | 'grouped' | 'json') {
  const out: string[] = [];
  const err: string[] = [];
  return { p: new BatchPrinter(mode, (text) => out.push(text), (text) => err.push(text)), out, err };
}

test('prefixed: lines whole and in order across chunks, a character cut in two whole again', () => {
  const { p, out } = printer('prefixed');
  const euro = bytes('€');
  for (const chunk of [bytes('one\ntw'), bytes('o\nthree '), euro.subarray(0, 1), euro.subarray(1), bytes('\nfour')]) p.output('s1', 'p/c', 'stdout', chunk);
  p.ended('s1', 'p/c', exited);
  assert.equal(out, ['p/c | one\n', 'p/c | two\n', 'p/c | three €\n', 'p/c | four\n']);
});

test("prefixed: a command's stderr lines go to stderr, marked '!', its stdout lines alone to stdout (a pipe or a file gets the output)", () => {
  const { p, out, err } = printer('prefixed');
  p.output('s1', 'p/c', 'stdout', bytes('data 1\n'));
  p.output('s1', 'p/c', 'stderr', bytes('warning: slow\nlast words'));
  p.output('s1', 'p/c', 'stdout', bytes('data 2'));
  p.ended('s1', 'p/c', exited);
  assert.equal(out, ['p/c | data 1\n', 'p/c | data 2\n']);
  assert.equal(err, ['p/c ! warning: slow\n', 'p/c ! last words\n']);
});

test('prefixed: output with no newline is printed in pieces as it comes, never held past one piece', () => {
  const { p, out } = printer('prefixed');
  const sent: string[] = [];
  for (let i = 0; i < 40; i++) {
    const piece = String.fromCharCode(97 + (i % 26)).repeat(10_000);
    sent.push(piece);
    p.output('s1', 'p/c', 'stdout', bytes(piece));
    // what was sent less what was printed is what is held: under one piece
    const printed = out.reduce((n, line) => n + line.length - 'p/c | \n'.length, 0);
    assert.ok(sent.join('').length - printed < MAX_LINE, `${sent.join('').length - printed} characters held after chunk ${i}`);
  }
  p.ended('s1', 'p/c', exited);
  assert.is(out.map((line) => line.slice('p/c | '.length, -1)).join(''), sent.join(''), 'every character, in order');
  assert.ok(out.every((line) => line.length <= MAX_LINE + 'p/c | \n'.length));
  const wide = printer('prefixed');
  wide.p.output('s1', 'p/c', 'stdout', bytes('x' + '\u{1F600}'.repeat(MAX_LINE)));
  wide.p.ended('s1', 'p/c', exited);
  assert.ok(wide.out.every((line) => !/[\ud800-\udbff]\n$/.test(line)), 'no piece ends in half a character');
  assert.is(wide.out.map((line) => line.slice('p/c | '.length, -1)).join(''), 'x' + '\u{1F600}'.repeat(MAX_LINE));
});

test('grouped: stdout and stderr each on lines of their own, though the command ended neither with a newline', () => {
  const { p, out } = printer('grouped');
  p.output('s1', 'p/c', 'stdout', bytes('a\nb'));
  p.output('s1', 'p/c', 'stderr', bytes('E1\nE2'));
  p.ended('s1', 'p/c', exited);
  assert.equal(out, ['==> p/c (exit 0) <==\na\nb\n--- stderr ---\nE1\nE2\n']);
  const quiet = printer('grouped');
  quiet.p.ended('s1', 'p/c', exited);
  assert.equal(quiet.out, ['==> p/c (exit 0) <==\n'], 'nothing printed: the heading alone');
});

test('grouped and json keep a bounded part of each channel and say how much more came', () => {
  const grouped = printer('grouped');
  const big = 'x'.repeat(MAX_KEPT - 10);
  grouped.p.output('s1', 'p/c', 'stdout', bytes(big));
  grouped.p.output('s1', 'p/c', 'stdout', bytes('y'.repeat(1000)));
  grouped.p.ended('s1', 'p/c', exited);
  const block = grouped.out.join('');
  assert.ok(block.startsWith('==> p/c (exit 0) <==\n' + big + 'y'.repeat(10) + '\n'), block.slice(0, 40));
  assert.match(block, /\[octant-exec: 990 more characters of its stdout not kept: a container keeps 8 Mi of each here; use --output prefixed to see them all\]\n$/);
  const json = printer('json');
  json.p.output('s1', 'p/c', 'stderr', bytes('e'.repeat(MAX_KEPT + 5)));
  json.p.ended('s1', 'p/c', exited);
  json.p.finish(batch);
  const doc = JSON.parse(json.out.join(''));
  assert.is(doc.results[0].stderr.length, MAX_KEPT);
  assert.equal(doc.results[0].notKept, { stdout: 0, stderr: 5 });
});

test('an interrupted batch counts the runs it never began: the summary and the json totals add up to every result', () => {
  const notStarted = { state: 'notStarted', target: { namespace: 'n', pod: 'q', container: 'c' } } as unknown as BatchResult;
  const stopped = { state: 'disconnected', reason: 'serverShutdown', target: { namespace: 'n', pod: 'r', container: 'c' }, sessionId: 's2' } as unknown as BatchResult;
  const interrupted = { ...batch, totals: { succeeded: 1, failed: 1, skipped: 0, notStarted: 2 }, results: [exited, stopped, notStarted, notStarted] } as unknown as BatchRow;
  assert.match(summaryTable(interrupted), /q\/c {2,}not started\n.*\n1 succeeded, 1 failed, 0 skipped, 2 not started\n$/s);
  assert.match(summaryTable(batch), /\n1 succeeded, 0 failed, 0 skipped\n$/, 'nothing said when every run began');
  const { p, out } = printer('json');
  p.finish(interrupted);
  const document = JSON.parse(out.join(''));
  assert.equal(document.totals, { succeeded: 1, failed: 1, skipped: 0, notStarted: 2 });
  assert.is(document.results[1].reason, 'interrupted', 'no server stopped: the batch was');
});

test('a cancelled batch: the run its cancel stopped says so in the summary, the grouped header and the json, counted apart', () => {
  const notStarted = { state: 'notStarted', target: { namespace: 'n', pod: 'q', container: 'c' } } as unknown as BatchResult;
  const cancelled = { state: 'cancelled', target: { namespace: 'n', pod: 'r', container: 'c' }, sessionId: 's2', durationMs: 1200 } as unknown as BatchResult;
  const row = { ...batch, totals: { succeeded: 1, failed: 0, skipped: 0, notStarted: 1, cancelled: 1 }, results: [exited, cancelled, notStarted] } as unknown as BatchRow;
  assert.match(summaryTable(row), /r\/c {2,}1\.20s {2}cancelled while running\n/);
  assert.match(summaryTable(row), /\n1 succeeded, 0 failed, 0 skipped, 1 cancelled, 1 not started\n$/);
  const grouped = printer('grouped');
  grouped.p.output('s2', 'r/c', 'stdout', bytes('started\n'));
  grouped.p.ended('s2', 'r/c', cancelled);
  assert.equal(grouped.out, ['==> r/c (cancelled while running) <==\nstarted\n']);
  const json = printer('json');
  json.p.output('s2', 'r/c', 'stdout', bytes('started\n'));
  json.p.finish(row);
  const document = JSON.parse(json.out.join(''));
  assert.equal([document.results[1].state, document.results[1].stdout], ['cancelled', 'started\n'], 'its output so far kept');
  assert.equal(document.totals, row.totals);
});

test.run();
