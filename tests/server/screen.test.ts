// screen.ts on its own: a screen rebuilt from bytes that span several parser pieces (with
// sequences cut at the piece boundaries) draws what the bytes drew, with the pen and the cursor
// where the serializer alone put them wrong (screen-serialize.ts), and stops between pieces once
// no longer wanted; the builder takes requests two at a time (one per socket), in order, reading
// each one's bytes only when its turn comes.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import headless from '@xterm/headless';
import { rebuildScreen, ScreenBuilder } from '../../src/server/screen.ts';
import { screenCells } from '../support/terminal-cells.ts';

const size = { cols: 50, rows: 12 };

async function drawn(bytes: Uint8Array | string) {
  const term = new headless.Terminal({ ...size, scrollback: 0, allowProposedApi: true });
  await new Promise<void>((resolve) => term.write(bytes, resolve));
  const cells = screenCells(term);
  term.dispose();
  return cells;
}

/** Coloured, wide and positioned output, about 200 kB: sequences land across every 32 KiB boundary. */
function busyOutput(): Uint8Array {
  let text = '';
  for (let i = 0; text.length < 200_000; i++) text += `\x1b[3${i % 8};4${(i + 3) % 8}m${i}:日本\x1b[0m \x1b[${(i % 12) + 1};${(i % 40) + 1}H`;
  return new TextEncoder().encode(`${text}\x1b[?1049h\x1b[2J\x1b[1mtop\x1b[0m\x1b[5;5H`);
}

test('a screen rebuilt from bytes across many parser pieces draws what the bytes draw', async () => {
  const bytes = busyOutput();
  const screen = (await rebuildScreen(bytes, size))!; // always wanted: a screen
  const expected = await drawn(bytes);
  assert.is(expected.buffer, 'alternate');
  assert.equal(await drawn(screen), expected);
});

test("a full-screen program that left its pen bold and reverse (vi after its status line): the screen's first row keeps its own colours, and what follows is drawn with that pen", async () => {
  // a shell line, then vi: yellow line numbers on row 0, then the status line in bold reverse,
  // left so as xterm's terminfo lets it (moving the cursor in standout mode is safe)
  const bytes = new TextEncoder().encode('$ vi notes\r\n\x1b[?1049h\x1b[2J\x1b[H\x1b[33m  1 \x1b[0mfirst line\x1b[11;1H\x1b[1;7mnotes  1,1  All\x1b[1;5H');
  const screen = (await rebuildScreen(bytes, size))!;
  const next = new TextEncoder().encode('typed');
  const expected = await drawn(new Uint8Array([...bytes, ...next]));
  assert.ok(expected.rows[0].includes('|10001'), 'the bytes after draw bold and reverse on row 0');
  assert.equal(await drawn(new Uint8Array([...screen, ...next])), expected);
});

test('a cursor on the last cell of a full row (vi at the end of a line as wide as the screen, the last row full too) comes back on that cell, in either buffer', async () => {
  const full = 'x'.repeat(size.cols - 1);
  const shell = `$ ls\r\n${full}y\x1b[${size.cols}G`; // the normal buffer's cursor on its full row's last cell
  for (const [name, text, next] of [
    ['alternate', `\x1b[?1049h\x1b[2J\x1b[H${full}y\x1b[12;1H${'-- INSERT --'.padEnd(size.cols, '=')}\x1b[1;${size.cols}H`, 'Z'],
    ['normal', shell, 'Z'],
    ['normal, after the alternate screen ends', `${shell}\x1b[?1049h\x1b[2J\x1b[Hvi`, '\x1b[?1049lZ'],
  ]) {
    const bytes = new TextEncoder().encode(text);
    const screen = (await rebuildScreen(bytes, size))!;
    const typed = new TextEncoder().encode(next);
    const expected = await drawn(new Uint8Array([...bytes, ...typed]));
    assert.ok(expected.rows.some((row) => / Z\|/.test(row)), `${name}: Z was typed on the row's last cell`);
    assert.equal(await drawn(new Uint8Array([...screen, ...typed])), expected, `${name}: typed on the same cell`);
  }
});

test('a cursor waiting to wrap past a row with rows below it (a plain, a coloured or a wide last character), or under origin mode, comes back as it was', async () => {
  const below = Array.from({ length: 6 }, (_, i) => `line ${i}`).join('\r\n');
  for (const [name, text] of [
    ['plain, normal buffer', `${below}\x1b[2;${size.cols}HQ`],
    ['plain, alternate buffer', `\x1b[?1049h${below}\x1b[2;${size.cols}HQ`],
    ['coloured, then another pen', `\x1b[?1049h${below}\x1b[3;${size.cols}H\x1b[1;38;2;200;100;50;44mQ\x1b[0;4;92m`],
    ['a wide character', `${below}\x1b[2;${size.cols - 1}H\x1b[35m日`],
    ['origin mode', `\x1b[?1049h${below}\x1b[?6h\x1b[5;10H`],
  ]) {
    const bytes = new TextEncoder().encode(text);
    const screen = (await rebuildScreen(bytes, size))!;
    const typed = new TextEncoder().encode('Z');
    const expected = await drawn(new Uint8Array([...bytes, ...typed]));
    assert.equal(await drawn(new Uint8Array([...screen, ...typed])), expected, `${name}: typed where it would have gone, as it would have looked`);
  }
});

test('the builder builds two at a time, asks each for its bytes only on its turn, and skips one no longer wanted', async () => {
  const builder = new ScreenBuilder();
  const asked: number[] = [];
  const texts = Array.from({ length: 5 }, (_, i) => `screen number ${i}`);
  const builds = texts.map((text, i) =>
    builder.build(
      `socket ${i}`,
      () => (asked.push(i), { bytes: new TextEncoder().encode(text), size }),
      () => i !== 3,
    ),
  );
  assert.equal(asked, [0, 1], 'the others wait, holding no bytes');
  const screens = await Promise.all(builds);
  assert.equal(asked, [0, 1, 2, 4]);
  screens.forEach((built, i) => assert.is(built && new TextDecoder().decode(built.screen).split('\x1b')[0], i === 3 ? undefined : texts[i], 'its text, then where its cursor is'));
});

test('a build whose viewer is gone stops at the next parser piece', async () => {
  let asked = 0;
  const screen = await rebuildScreen(busyOutput(), size, 100, () => ++asked < 3);
  assert.is(screen, undefined);
  assert.is(asked, 3, 'two pieces were parsed (of many), then no more');
});

test('one build at a time per socket: a socket asking again and again leaves a slot to the others', async () => {
  const builder = new ScreenBuilder();
  const asked: string[] = [];
  const build = (owner: string, name: string) => builder.build(owner, () => (asked.push(name), { bytes: new TextEncoder().encode(name), size }), () => true);
  const builds = [build('page', 'page 1'), build('page', 'page 2'), build('page', 'page 3'), build('other page', 'other')];
  assert.equal(asked, ['page 1', 'other'], "the page's next builds wait for its first; the other page's starts at once");
  await Promise.all(builds);
  assert.equal(asked, ['page 1', 'other', 'page 2', 'page 3']);
});

test.run();
