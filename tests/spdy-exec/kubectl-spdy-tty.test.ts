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
import { waitAsking, waitFor } from '../support/wait.ts';
import { SPDY_KUBECTLS } from './support.ts';

requireTool(TMUX);
const sandbox = await startTestSandbox();
const socket = `octant-exec-spdy-tty-test-${process.pid}`;
const tmux = (...args: string[]) => execFileSync(TMUX, ['-L', socket, ...args], { encoding: 'utf8' });
test.after(async () => {
  try {
    tmux('kill-server');
  } catch {
    // already gone
  }
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

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

SPDY_KUBECTLS.forEach((client, index) => {
  test(`${client.name}: -it sees the pane size and a resize; Ctrl-C interrupts sleep 30 and the shell goes on`, async () => {
    const pane = `exec${index}`;
    const screen = () => tmux('capture-pane', '-p', '-t', pane);
    const file = kubectlBinary(client.version);
    requireTool(file);
    const home = mkdtempSync(join(sandbox.scratch, 'home-'));
    const env = Object.entries({ HOME: home, ...client.env }).map(([k, v]) => `${k}=${quote(v)}`).join(' ');
    const command = [file, '--kubeconfig', sandbox.kubeconfigPath, '--cache-dir', join(home, 'cache'), 'exec', '-it', 'web', '--', 'sh'].map(quote).join(' ');
    tmux('new-session', '-d', '-s', pane, '-x', '100', '-y', '30', `${env} ${command}; echo "kubectl exited $?"`);
    tmux('set-option', '-t', pane, 'remain-on-exit', 'on');
    await waitFor(() => /^[#$] ?$/m.test(screen()), 'the shell prompt', 15_000);

    await waitAsking(() => tmux('send-keys', '-t', pane, 'stty size', 'Enter'), () => /^30 100$/m.test(screen()), '"30 100" from stty size', 10_000);
    tmux('resize-window', '-t', pane, '-x', '120', '-y', '40');
    await waitAsking(() => tmux('send-keys', '-t', pane, 'stty size', 'Enter'), () => /^40 120$/m.test(screen()), '"40 120" from stty size after the resize', 10_000);

    const others = new Set(sleeps());
    const sleeping = () => sleeps().some((pid) => !others.has(pid));
    tmux('send-keys', '-t', pane, 'sleep 30; echo "sleep ended $?"', 'Enter');
    await waitFor(() => sleeping(), 'sleep 30 to run', 5_000);
    const interrupted = Date.now();
    tmux('send-keys', '-t', pane, 'C-c');
    // the shell prints its prompt again (sh does not run the rest of an interrupted line)
    tmux('send-keys', '-t', pane, 'echo still-$((40+2))', 'Enter');
    await waitFor(() => /still-42$/m.test(screen()), 'the shell to answer after Ctrl-C', 10_000).catch((error) => {
      throw new Error(`${error.message}; the pane:\n${screen()}`);
    });
    assert.ok(Date.now() - interrupted < 10_000);
    assert.not.match(screen(), /^sleep ended/m);
    // interrupted, the sleep is gone as soon as it is reaped (not always by the time the shell answers)
    await waitFor(() => !sleeping(), 'the interrupted sleep to be gone', 5_000);

    tmux('send-keys', '-t', pane, 'exit 7', 'Enter');
    // the pane's own shell prints kubectl's exit status (tmux's #{pane_dead_status} is
    // sometimes left empty when the pane dies under load)
    await waitFor(() => /^kubectl exited 7$/m.test(screen()), 'kubectl to exit with 7', 10_000).catch((error) => {
      throw new Error(`${error.message}; the pane:\n${screen()}`);
    });
  });
});

test.run();
