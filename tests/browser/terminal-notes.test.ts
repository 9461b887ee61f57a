// A terminal's own notes (ui/terminal/terminal-notes.ts) across a screen that starts it over (a
// catch-up under a flood, a reattach mid-screen): the reset takes the note of how it ended, and the
// terminal writes it again after the screen, as TerminalSession does (forget, then the row's state).
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import headless from '@xterm/headless';
import type { Terminal } from '@xterm/xterm';
import { TerminalNotes } from '../../ui/terminal/terminal-notes.ts';
import type { SessionRow } from '../../src/protocol/index.ts';

function terminal() {
  const term = new headless.Terminal({ cols: 40, rows: 10, scrollback: 1000, allowProposedApi: true });
  const write = (data: string) => new Promise<void>((resolve) => term.write(data, resolve));
  const text = () => {
    const lines: string[] = [];
    for (let i = 0; i < term.buffer.active.length; i++) lines.push(term.buffer.active.getLine(i)!.translateToString(true));
    return lines.join('\n');
  };
  return { term, write, text };
}

const exited = { sessionId: 't1', state: 'exited', exitCode: 3, run: 1, interactive: true } as unknown as SessionRow;

test('an ended terminal started over by a screen says again how it ended, after the screen', async () => {
  const { term, write, text } = terminal();
  const notes = new TerminalNotes(term as unknown as Terminal);
  await write('y\r\ny\r\n');
  notes.state(exited);
  await write('');
  assert.match(text(), /\[exited 3\]/);
  const screen = 'the screen\r\n';
  await write('\x1bc'); // the reset before the screen
  notes.forgetState();
  notes.replayStarts(screen.length);
  notes.state(exited); // the row, as the attach finds it: the note waits for the screen
  await write(screen);
  notes.written(screen.length);
  await write('');
  assert.match(text(), /the screen\n[\s\S]*\[exited 3\]/, 'the note, after the screen');
  notes.state(exited);
  await write('');
  assert.is(text().match(/\[exited 3\]/g)?.length, 1, 'and once');
});

test.run();
