// A real hangup: `octant-exec` in a terminal that closes (the tmux server killed, as a closed
// window or a dropped ssh session closes one) stops as SIGTERM stops it (every terminal ended,
// said on stderr), then dies of the SIGHUP. Exiting normally instead, Node reset the closed
// terminal's modes and aborted (an assertion failed, SIGABRT, a core file).
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliArgv, denoDir } from '../support/cli.ts';
import { removeKilledStateDir } from '../support/killed-state-dir.ts';
import { isRunning } from '../support/process-tree.ts';
import { startTmux, type TmuxTerminal } from '../support/tmux.ts';
import { waitFor } from '../support/wait.ts';

const scratch = mkdtempSync(join(tmpdir(), 'octant-exec-hangup-'));
let pane: TmuxTerminal | undefined;
test.after(async () => {
  pane?.kill();
  await removeKilledStateDir(scratch);
});

/** The process whose arguments hold `--state-dir dir`: the server, whatever runs it. */
function serverWith(dir: string): number | undefined {
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(`\0--state-dir\0${dir}\0`)) return Number(pid);
    } catch {
      // ended meanwhile
    }
  }
  return undefined;
}

test('a closed terminal stops octant-exec as asked, and it dies of the hangup, not of an abort', async () => {
  const stateDir = join(scratch, 'state');
  const errors = join(scratch, 'stderr');
  const argv = ['sh', '-c', 'exec "$@" 2>"$0"', errors, ...cliArgv(['--sandbox', '--port', '0', '--state-dir', stateDir, '--no-open'])];
  pane = startTmux('hangup', argv, { HOME: scratch, TMPDIR: tmpdir(), ...denoDir });
  await pane.waitFor(/open http:\/\/127\.0\.0\.1:\d+\//, 'the ready line', 60_000);
  const server = serverWith(stateDir);
  assert.ok(server, 'the server is found by its --state-dir');
  pane.kill(); // the terminal closes: its processes get SIGHUP
  pane = undefined;
  await waitFor(() => !isRunning(server), 'the server to end after the hangup', 30_000);
  const said = readFileSync(errors, 'utf8');
  assert.match(said, /octant-exec: stopped \(SIGHUP\); every terminal ended\n$/, said);
  assert.not.match(said, /Assertion|Aborted|core dumped/);
});

test.run();
