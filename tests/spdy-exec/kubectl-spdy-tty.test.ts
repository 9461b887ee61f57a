// kubectl exec -it over SPDY/3.1 in a real terminal (a tmux pane): the shell sees the pane's
// size and follows a resize (the resize stream), and Ctrl-C interrupts `sleep 30` the way it
// does on a cluster: kubectl sends the 0x03 byte on stdin, the container's terminal turns it
// into SIGINT for the foreground job, the shell survives and the session goes on.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { TMUX, kubectlBinary, requireTool, startTestSandbox } from '../support/sandbox.ts';
import { startTmux, type TmuxTerminal } from '../support/tmux.ts';
import { waitAsking, waitFor } from '../support/wait.ts';
import { SPDY_KUBECTLS } from './support.ts';

requireTool(TMUX);
const sandbox = await startTestSandbox();
const terminals: TmuxTerminal[] = [];
test.after(async () => {
  for (const terminal of terminals) terminal.kill();
  await sandbox.close();
});

/** pids of the `sleep 30` processes running now */
const sleeps = (): string[] => {
  try {
    return execFileSync('/usr/bin/pgrep', ['-x', '-f', 'sleep 30'], { encoding: 'utf8' }).split('\n').filter(Boolean);
  } catch {
    return []; // pgrep exits 1 when there is none
  }
};

SPDY_KUBECTLS.forEach((client, index) => {
  test(`${client.name}: -it sees the pane size and a resize; Ctrl-C interrupts sleep 30 and the shell goes on`, async () => {
    const file = kubectlBinary(client.version);
    requireTool(file);
    const home = mkdtempSync(join(sandbox.scratch, 'home-'));
    const argv = [file, '--kubeconfig', sandbox.kubeconfigPath, '--cache-dir', join(home, 'cache'), 'exec', '-it', 'web', '--', 'sh'];
    // the pane's shell prints kubectl's exit status (tmux's #{pane_dead_status} is sometimes left
    // empty when the pane dies under load)
    const pane = startTmux(`spdy-tty-${index}`, argv, { HOME: home, ...client.env }, { cols: 100, rows: 30, after: 'echo "kubectl exited $?";' });
    terminals.push(pane);
    await pane.waitFor(/^[#$] ?$/m, 'the shell prompt', 15_000);

    await waitAsking(() => pane.keys('stty size', 'Enter'), () => /^30 100$/m.test(pane.screen()), '"30 100" from stty size', 10_000);
    pane.resize(120, 40);
    await waitAsking(() => pane.keys('stty size', 'Enter'), () => /^40 120$/m.test(pane.screen()), '"40 120" from stty size after the resize', 10_000);

    const others = new Set(sleeps());
    const sleeping = () => sleeps().some((pid) => !others.has(pid));
    pane.keys('sleep 30; echo "sleep ended $?"', 'Enter');
    await waitFor(() => sleeping(), 'sleep 30 to run', 5_000);
    pane.keys('C-c');
    // the shell prints its prompt again (sh does not run the rest of an interrupted line)
    pane.keys('echo still-$((40+2))', 'Enter');
    await pane.waitFor(/still-42$/m, 'the shell to answer after Ctrl-C', 10_000);
    assert.not.match(pane.screen(), /^sleep ended/m);
    // interrupted, the sleep is gone as soon as it is reaped (not always by the time the shell answers)
    await waitFor(() => !sleeping(), 'the interrupted sleep to be gone', 5_000);

    pane.keys('exit 7', 'Enter');
    await pane.waitFor(/^kubectl exited 7$/m, 'kubectl to exit with 7', 10_000);
  });
});

test.run();
