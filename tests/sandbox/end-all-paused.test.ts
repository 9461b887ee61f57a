// Ending every exec (the sandbox closing) waits until each has ended, output included. An exec
// whose client stopped reading has its output paused: unless ending it lets the output flow
// again, its end is never seen and the close waits out its whole cap (the app's stop too).
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { ExecProcesses } from '../../src/sandbox/processes/exec-processes.ts';
import { spawnOnPipes } from '../../src/sandbox/processes/pipe-process.ts';
import { waitFor } from '../support/wait.ts';

test('an exec whose output is paused has ended, output and all, when endAll resolves', async () => {
  let received = 0;
  const execs = new ExecProcesses();
  const proc = spawnOnPipes(
    { start: () => spawn('yes', [], { detached: true, stdio: 'pipe' }) },
    { stdin: false, stdout: true, stderr: false },
    {
      stdout: (chunk) => {
        received += chunk.length;
        proc.pauseOutput(); // a client that stopped reading after the first chunk
      },
      stderr: () => {},
    },
  );
  execs.add(proc);
  await waitFor(() => received > 0, 'the first output');
  let ended = false;
  void proc.exited.then(() => (ended = true));
  await execs.endAll();
  assert.ok(ended, 'its end was seen before endAll resolved (not endAll giving up on it)');
});

test('an exec that ended is let go: ending every exec later does not reach it', async () => {
  const execs = new ExecProcesses();
  const child = spawn('true', [], { detached: true, stdio: 'ignore' });
  const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
  let endedAgain = 0;
  execs.add({ pgid: child.pid!, exited, end: () => endedAgain++ });
  await exited;
  await new Promise((resolve) => setImmediate(resolve)); // the registry hears of the end in a promise's turn
  await execs.endAll();
  assert.is(endedAgain, 0, 'the ended exec was no longer held');
});

test.run();
