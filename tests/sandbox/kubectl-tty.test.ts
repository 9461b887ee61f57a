// kubectl exec -it in a real terminal (a tmux pane): the shell sees the pane's size, follows a
// resize of the window, and its exit code comes back through kubectl.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { TMUX, kubectlBinary, requireTool, startTestSandbox } from '../support/sandbox.ts';
import { waitAsking, waitFor } from '../support/wait.ts';

requireTool(TMUX);
const sandbox = await startTestSandbox();
const socket = `octant-exec-sandbox-test-${process.pid}`;
const tmux = (...args: string[]) => execFileSync(TMUX, ['-L', socket, ...args], { encoding: 'utf8' });
const screen = () => tmux('capture-pane', '-p', '-t', 'exec');
test.after(async () => {
  try {
    tmux('kill-server');
  } catch {
    // already gone
  }
  await sandbox.close();
});

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

test('kubectl exec -it sees the pane size, then the new size after tmux resize-window', async () => {
  const home = mkdtempSync(join(sandbox.scratch, 'home-'));
  const command = [kubectlBinary('1.33'), '--kubeconfig', sandbox.kubeconfigPath, '--cache-dir', join(home, 'cache'), 'exec', '-it', 'web', '--', 'sh'].map(quote).join(' ');
  tmux('new-session', '-d', '-s', 'exec', '-x', '100', '-y', '30', `HOME=${quote(home)} ${command}; echo "kubectl exited $?"`);
  tmux('set-option', '-t', 'exec', 'remain-on-exit', 'on');
  await waitFor(() => /^[#$] ?$/m.test(screen()), `the shell prompt`, 15_000);

  await waitAsking(() => tmux('send-keys', '-t', 'exec', 'stty size', 'Enter'), () => /^30 100$/m.test(screen()), '"30 100" from stty size', 10_000);

  tmux('resize-window', '-t', 'exec', '-x', '120', '-y', '40');
  await waitAsking(() => tmux('send-keys', '-t', 'exec', 'stty size', 'Enter'), () => /^40 120$/m.test(screen()), '"40 120" from stty size after the resize', 10_000);

  tmux('send-keys', '-t', 'exec', 'exit 7', 'Enter');
  // The pane's shell prints kubectl's exit status: tmux's #{pane_dead_status} is sometimes left
  // empty (pane dead, no status), which made this test flaky.
  await waitFor(() => /^kubectl exited \d+$/m.test(screen()), 'kubectl to exit', 10_000);
  assert.match(screen(), /^kubectl exited 7$/m);
});

test.run();
