// Every shell of the picker for real, through the server against the sandbox's demo pod "shells"
// (an image with sh, bash, zsh and fish): each terminal runs the shell asked for, on a terminal,
// and starts without an error (fish wants its data and a home it can write to). And a one-shot
// command runs without a terminal at all, shown as the command it is.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { StreamClient, openExec, sessionRow, sessionState, startTestApp } from './support.ts';
import { waitFor } from '../support/wait.ts';

const app = await startTestApp();
test.after(() => app.close());

const target = { namespace: 'default', pod: 'shells', containers: ['shells'] };

/** What each shell is typed, and what only that shell answers: its own version variable, or for sh (dash here) its name and none of them. */
const shells = [
  { shell: 'sh', line: 'echo "is-$0-${BASH_VERSION:-nobash}-${ZSH_VERSION:-nozsh}"', answer: /is-sh-nobash-nozsh\r\n/ },
  { shell: 'bash', line: 'echo "is-bash-$BASH_VERSION"', answer: /is-bash-5\.\d+/ },
  { shell: 'zsh', line: 'echo "is-zsh-$ZSH_VERSION"', answer: /is-zsh-5\.\d+/ },
  { shell: 'fish', line: 'echo "is-fish-$FISH_VERSION"', answer: /is-fish-\d+\.\d+/ },
];

for (const { shell, line, answer } of shells) {
  test(`the picker's ${shell} runs ${shell}, on a terminal, without an error`, async () => {
    const [id] = await openExec(app, { ...target, command: { shell } });
    const tab = await StreamClient.open(app);
    try {
      await tab.attach(id);
      await waitFor(async () => (await sessionState(app, id))?.state === 'interactive', `${shell} to connect`, 15_000);
      assert.equal((await sessionRow(app, id)).argv, [shell]);
      tab.type(id, `${line}\r`);
      await tab.waitForText(id, answer);
      // fish takes && as the others do (since fish 3.0)
      tab.type(id, 'test -t 0 && echo "stdin-is-a-tty"\r');
      await tab.waitForText(id, /[\r\n]stdin-is-a-tty\r\n/);
      assert.not.match(tab.text(id), /error|warning|cannot|denied|not found/i, `${shell} started cleanly: ${JSON.stringify(tab.text(id))}`);
      tab.type(id, 'exit 5\r');
      await waitFor(async () => (await sessionState(app, id))?.state === 'exited', `${shell} to exit`, 15_000);
      assert.is((await sessionRow(app, id)).exitCode, 5);
    } finally {
      await tab.close();
    }
  });
}

// `tty` prints "not a tty" in the sandbox even on a terminal (docs/sandbox.md, Limits): test -t tells them apart.
const ttyCheck = ['sh', '-c', 'tty; test -t 0 && echo IN-TTY || echo IN-NOTTY; test -t 1 && echo OUT-TTY || echo OUT-NOTTY'];

test('a one-shot command runs without a terminal: tty says so, stdin and stdout are not terminals; the row shows the command, not interactive', async () => {
  const [id] = await openExec(app, { ...target, command: { argv: ttyCheck }, interactive: false });
  const tab = await StreamClient.open(app);
  try {
    await tab.attach(id);
    await waitFor(async () => (await sessionState(app, id))?.state === 'exited', 'the command to end', 15_000);
    await tab.waitForText(id, 'OUT-NOTTY');
    assert.is(tab.text(id), 'not a tty\nIN-NOTTY\nOUT-NOTTY\n', 'bare \\n: no terminal turned them into \\r\\n');
    const row = await sessionRow(app, id);
    assert.equal([row.interactive, row.argv, row.exitCode], [false, ttyCheck, 0]);
  } finally {
    await tab.close();
  }
});

test('the same command, interactive, runs on a terminal: the check above can tell the two apart', async () => {
  const [id] = await openExec(app, { ...target, command: { argv: ttyCheck }, interactive: true });
  const tab = await StreamClient.open(app);
  try {
    await tab.attach(id);
    await tab.waitForText(id, /\r\nIN-TTY\r\nOUT-TTY\r\n/);
    assert.is((await sessionRow(app, id)).interactive, true);
  } finally {
    await tab.close();
  }
});

test.run();
