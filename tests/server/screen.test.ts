// screen.ts on its own: a screen rebuilt from bytes that span several parser pieces (with
// sequences cut at the piece boundaries) draws what the bytes drew, and the builder takes
// requests two at a time, in order, reading each one's bytes only when its turn comes.
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
  const screen = await rebuildScreen(bytes, size);
  const expected = await drawn(bytes);
  assert.is(expected.buffer, 'alternate');
  assert.equal(await drawn(screen), expected);
});

test('the builder builds two at a time, asks each for its bytes only on its turn, and skips one no longer wanted', async () => {
  const builder = new ScreenBuilder();
  const asked: number[] = [];
  const texts = Array.from({ length: 5 }, (_, i) => `screen number ${i}`);
  const builds = texts.map((text, i) =>
    builder.build(() => {
      asked.push(i);
      return i === 3 ? undefined : { bytes: new TextEncoder().encode(text), size };
    }),
  );
  assert.equal(asked, [0, 1], 'the others wait, holding no bytes');
  const screens = await Promise.all(builds);
  assert.equal(asked, [0, 1, 2, 3, 4]);
  screens.forEach((screen, i) => assert.is(screen && new TextDecoder().decode(screen), i === 3 ? undefined : texts[i]));
});

test.run();
