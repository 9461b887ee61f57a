// In a terminal, the sentence that says how a terminal ended (idle past its timeout, a drop, a
// failure) starts on a line of its own, not after the remote shell's prompt, where the cursor sat.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { cliArgv } from '../support/cli.ts';
import { requireTool, TMUX } from '../support/sandbox.ts';
import { startTmux, type TmuxTerminal } from '../support/tmux.ts';
import { startTestApp } from '../server/support.ts';

requireTool(TMUX);
const app = await startTestApp();
const terminals: TmuxTerminal[] = [];
test.after(async () => {
  for (const terminal of terminals) terminal.kill();
  await app.close();
});
const env = { OCTANT_EXEC_URL: `http://127.0.0.1:${app.port}/`, OCTANT_EXEC_TOKEN: app.token, HOME: app.dir };

test('a shell idle past --idle-timeout: its prompt, then the sentence on the next line', async () => {
  const terminal = startTmux('idle-line', cliArgv(['exec', '--idle-timeout', '2', '-c', 'nginx', 'web']), env, { after: 'echo "EXIT=$?";' });
  terminals.push(terminal);
  await terminal.waitFor(/EXIT=1/, 'the idle end');
  assert.match(terminal.screen(), /# *\noctant-exec exec: it was idle past its timeout and was ended\n/);
});

test('a shell that ends with its line ended: no blank line before the exit', async () => {
  const terminal = startTmux('exit-line', cliArgv(['exec', '-c', 'nginx', 'web']), env, { after: 'echo "EXIT=$?";' });
  terminals.push(terminal);
  await terminal.waitFor(/# $/m, 'the prompt');
  terminal.keys('exit 4', 'Enter');
  await terminal.waitFor(/EXIT=4/, 'the exit');
  assert.match(terminal.screen(), /exit 4\n(exit\n)?EXIT=4/);
});

test.run();
