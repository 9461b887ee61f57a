// screen-start.ts: a rebuild starts late only where it draws exactly the screen and history that
// every byte draws (compared serialized, byte for byte), and reads every byte whenever something
// before the start could have left state behind.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { replayScreen, SCREEN_HISTORY_ROWS } from '../../src/server/screen.ts';
import { screenStart } from '../../src/server/screen-start.ts';

const size = { cols: 80, rows: 24 };
const encode = (text: string) => new TextEncoder().encode(text);
const repeat = (count: number, line: (i: number) => string) => Array.from({ length: count }, (_, i) => line(i)).join('');

/** Where the rebuild starts in `bytes`, once the screen and history from there are proved the same as from the first byte. */
async function sameFromStart(bytes: Uint8Array, name = ''): Promise<number> {
  const start = screenStart(bytes, size.rows, SCREEN_HISTORY_ROWS);
  const whole = new TextDecoder().decode(await replayScreen(bytes, size, SCREEN_HISTORY_ROWS));
  const late = new TextDecoder().decode(await replayScreen(bytes.subarray(start), size, SCREEN_HISTORY_ROWS));
  assert.is(late, whole, `${name}: the same screen and history, serialized`);
  return start;
}

async function startsLateAlike(bytes: Uint8Array): Promise<number> {
  const start = await sameFromStart(bytes);
  assert.ok(start > 0, 'the rebuild may start late here');
  return start;
}

test('a flood of `yes` through a PTY: the rebuild reads its last few kilobytes, for the same screen', async () => {
  const bytes = encode('y\r\n'.repeat(350_000)); // about 1 MiB, the scrollback's size
  const start = await startsLateAlike(bytes);
  assert.ok(bytes.length - start < 8 * 1024, `read ${bytes.length - start} bytes`);
});

test('coloured log lines, erased to their end, long ones wrapping, wide characters and overwritten progress', async () => {
  const line = (i: number) => `\x1b[3${i % 8}m${i % 5 ? 'INFO' : 'WARN'}\x1b[0m ${'request handled 日本 '.repeat(i % 9)}${i}\x1b[K${i % 7 ? '' : '\r 50%\r100%'}\r\n`;
  await startsLateAlike(encode(repeat(6000, line)));
});

test('the cursor mid-screen where the rebuild starts: rows written over are scrolled out by the lines after', async () => {
  const short = repeat(10, (i) => `${i}\r\n`);
  const overwritten = repeat(3000, (i) => `${'x'.repeat(i % 100)}\r${i}\r\n`);
  await startsLateAlike(encode(short + overwritten));
});

test('1 MiB of `yes`, Ctrl-C, then a prompt that sets modes and a title: still its last few kilobytes', async () => {
  const bytes = encode(`${'y\r\n'.repeat(350_000)}^C\r\n\x1b[?2004h\x1b]0;root@pod: ~\x07root@pod:~# `);
  const start = await startsLateAlike(bytes);
  assert.ok(bytes.length - start < 8 * 1024, `read ${bytes.length - start} bytes`);
});

test('after lines enough to start late, output that moves the cursor up, changes a mode or holds line feeds in a string: the same screen', async () => {
  const lines = (count: number, text: (i: number) => string) => repeat(count, (i) => `${text(i)}\r\n`);
  const plain = lines(1500, (i) => `plain line ${i}`);
  const after = {
    'a progress bar redrawn with cursor up': repeat(600, (i) => `\x1b[1A\rprogress ${i}\x1b[K\r\n`),
    'a full-screen program on the alternate screen': `\x1b[?1049h${repeat(25, (r) => `\x1b[H${lines(23, (i) => `row ${i} ${r}\x1b[K`)}`)}`,
    'the cursor sent home again and again': repeat(52, () => `\x1b[H${'x\r\n'.repeat(20)}`),
    'a title holding line feeds': `\x1b]0;${'\n'.repeat(1040)}\x07${lines(10, (i) => `after ${i}`)}`,
    'a scroll region': `\x1b[1;5r\x1b[5;1H${lines(1040, (i) => `scrolled ${i}`)}`,
  };
  for (const [name, tail] of Object.entries(after)) await sameFromStart(encode(plain + tail), name);
  await sameFromStart(encode('AAAAAAAAAAAAAAAAAAAA\r\n'.repeat(1500) + repeat(52, () => `\x1b[H${'x\r\n'.repeat(20)}`)), 'the cursor home over lines drawn before');
});

test('anything before the start that leaves state behind: the rebuild reads every byte', () => {
  const flood = 'line of output\r\n'.repeat(3000);
  const leavesState = {
    'the alternate screen': '\x1b[?1049h',
    'bracketed paste on': '\x1b[?2004h',
    'a colour never reset': '\x1b[31m',
    'colours set after a reset': '\x1b[0m\x1b[1;32m',
    'a scroll region': '\x1b[5;10r',
    'a title': '\x1b]0;title\x07',
    'another character set': '\x1b(0',
    'shift out': '\x0e',
    'a C1 control in UTF-8': '\xc2\x9b',
  };
  for (const [name, sequence] of Object.entries(leavesState)) {
    const bytes = encode(`${sequence}${flood}`);
    assert.is(screenStart(bytes, size.rows, SCREEN_HISTORY_ROWS), 0, name);
  }
});

test('lines that end without a carriage return (raw mode), or too few lines: the rebuild reads every byte', () => {
  assert.is(screenStart(encode('y\n'.repeat(10_000)), size.rows, SCREEN_HISTORY_ROWS), 0, 'the column carries over each line feed');
  assert.is(screenStart(encode('y\r\n'.repeat(SCREEN_HISTORY_ROWS + size.rows)), size.rows, SCREEN_HISTORY_ROWS), 0, 'every line may show');
  assert.is(screenStart(encode(''), size.rows, SCREEN_HISTORY_ROWS), 0);
});

test.run();
