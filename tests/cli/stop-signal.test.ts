// serve and sandbox stop at the first SIGINT or SIGTERM, in their own time (a clean close); a second
// one, or one once they stopped listening, has its default effect: the process dies of it.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import process from 'node:process';
import { startCli } from '../support/cli.ts';
import { waitFor, withTimeout } from '../support/wait.ts';

const test = suite('stop signals');
const child = (...args: string[]) => startCli(args, { script: new URL('../support/stop-signals-child.ts', import.meta.url).pathname });
// by pid: Deno's ChildProcess.kill sends nothing to a child it has signalled once, and reports it as killed by the signal whatever it did
const send = (cli: ReturnType<typeof child>, signal: NodeJS.Signals) => process.kill(cli.child.pid!, signal);

const whileStarting = (signal: string) => `child: ${signal} while starting: stopping once the start ends (a second signal quits at once)`;

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  test(`the first ${signal} while starting is heard and said, and the process runs on; a second kills it`, async () => {
    const cli = child();
    try {
      await waitFor(() => cli.stdout.includes('listening'), 'the child to listen', 30_000);
      send(cli, signal);
      await waitFor(() => cli.stdout.includes('still running'), 'the child to hear it and run on');
      assert.equal(cli.stdout, ['listening', `first ${signal}, then ready false`, 'still running'], 'a start that a signal came in is not ready');
      assert.equal(cli.stderr().trimEnd().split('\n'), [whileStarting(signal)]);
      send(cli, signal);
      await withTimeout(cli.exit, 10_000, 'the second signal to end the child (it never ends by itself)');
      assert.is(cli.signal(), signal, 'it died of the signal (a shell loop around it stops too)');
    } finally {
      if (cli.child.exitCode === null) cli.child.kill('SIGKILL');
    }
  });
}

test('a first signal once started is heard and not said: the command stops as asked', async () => {
  const cli = child('started');
  try {
    await waitFor(() => cli.stdout.includes('listening'), 'the child to listen', 30_000);
    send(cli, 'SIGTERM');
    await waitFor(() => cli.stdout.includes('still running'), 'the child to hear it and run on');
    assert.equal(cli.stdout, ['ready true', 'listening', 'first SIGTERM', 'still running']);
    assert.is(cli.stderr(), '');
  } finally {
    if (cli.child.exitCode === null) cli.child.kill('SIGKILL');
  }
});

test('once it stopped listening, a first SIGTERM kills the process, unheard', async () => {
  const cli = child('forget');
  try {
    await waitFor(() => cli.stdout.includes('listening'), 'the child to listen', 30_000);
    send(cli, 'SIGTERM');
    await withTimeout(cli.exit, 10_000, 'the signal to end the child (it never ends by itself)');
    assert.is(cli.signal(), 'SIGTERM');
    assert.equal(cli.stdout, ['listening']);
  } finally {
    if (cli.child.exitCode === null) cli.child.kill('SIGKILL');
  }
});

test.run();
