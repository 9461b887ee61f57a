// kubectl exec -it in a real terminal (a tmux pane): the shell sees the pane's size, follows a
// resize of the window, and its exit code comes back through kubectl.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { TMUX, kubectlBinary, requireTool, startTestSandbox } from '../support/sandbox.ts';
import { startTmux, type TmuxTerminal } from '../support/tmux.ts';
import { waitAsking } from '../support/wait.ts';

requireTool(TMUX);
const sandbox = await startTestSandbox();
let terminal: TmuxTerminal | undefined;
test.after(async () => {
  terminal?.kill();
  await sandbox.close();
});

test('kubectl exec -it sees the pane size, then the new size after tmux resize-window', async () => {
  const home = mkdtempSync(join(sandbox.scratch, 'home-'));
  const argv = [kubectlBinary('1.33'), '--kubeconfig', sandbox.kubeconfigPath, '--cache-dir', join(home, 'cache'), 'exec', '-it', 'web', '--', 'sh'];
  // the pane's shell prints kubectl's exit status (tmux's #{pane_dead_status} is sometimes left
  // empty when the pane dies, which made this test flaky)
  const pane = (terminal = startTmux('sandbox-tty', argv, { HOME: home }, { cols: 100, rows: 30, after: 'echo "kubectl exited $?";' }));
  await pane.waitFor(/^[#$] ?$/m, 'the shell prompt', 15_000);

  await waitAsking(() => pane.keys('stty size', 'Enter'), () => /^30 100$/m.test(pane.screen()), '"30 100" from stty size', 10_000);
  pane.resize(120, 40);
  await waitAsking(() => pane.keys('stty size', 'Enter'), () => /^40 120$/m.test(pane.screen()), '"40 120" from stty size after the resize', 10_000);

  pane.keys('exit 7', 'Enter');
  await pane.waitFor(/^kubectl exited \d+$/m, 'kubectl to exit', 10_000);
  assert.match(pane.screen(), /^kubectl exited 7$/m);
});

test.run();
