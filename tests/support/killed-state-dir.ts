// Removing the state directory of a server that was killed (SIGKILL) with its sandbox running.
// The sandbox's holders end by themselves a moment after the server, and write into the
// directory meanwhile, so removing it at once can fail with ENOTEMPTY (and hide why the test
// failed). Like a restarted server (src/sandbox/isolation/earlier-pods.ts), this waits until no
// process keeps a file in it open: every holder's launcher keeps one open until its last process
// has ended.
import { rmSync } from 'node:fs';
import process from 'node:process';
import { processesHolding } from '../../src/sandbox/isolation/earlier-pods.ts';
import type { Cli } from './cli.ts';
import { waitFor, withTimeout } from './wait.ts';

export async function removeKilledStateDir(dir: string, timeoutMs = 20_000): Promise<void> {
  // this process's own open files (a test's store left open) do not stop a removal
  const others = () => processesHolding(dir).filter((pid) => pid !== process.pid);
  await waitFor(() => others().length === 0, `the killed server's sandbox processes to end (they keep files under ${dir} open)`, timeoutMs);
  rmSync(dir, { recursive: true, force: true });
}

/** After a file's tests: the servers still running (a test failed, or killed none) are SIGKILLed and waited for, then `dir` is removed as above. */
export async function killAndRemove(started: Cli[], dir: string): Promise<void> {
  const running = started.filter((cli) => cli.child.exitCode === null && cli.child.signalCode === null);
  for (const cli of running) cli.child.kill('SIGKILL');
  await Promise.all(running.map((cli) => withTimeout(cli.exit, 10_000, `octant-exec (pid ${cli.child.pid}) to die of SIGKILL`)));
  await removeKilledStateDir(dir);
}
