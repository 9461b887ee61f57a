// Removing the state directory of a server that was killed (SIGKILL) with its sandbox running.
// The sandbox's holders end by themselves a moment after the server, and write into the
// directory meanwhile, so removing it at once can fail with ENOTEMPTY. Like a restarted server
// (src/sandbox/isolation/earlier-pods.ts), this waits until no process keeps a file in it open:
// every holder's launcher keeps one open until its last process has ended.
import { rmSync } from 'node:fs';
import { processesHolding } from '../../src/sandbox/isolation/earlier-pods.ts';
import { waitFor } from './wait.ts';

export async function removeKilledStateDir(dir: string, timeoutMs = 20_000): Promise<void> {
  await waitFor(() => processesHolding(dir).length === 0, `the killed server's sandbox processes to end (they keep files under ${dir} open)`, timeoutMs);
  rmSync(dir, { recursive: true, force: true });
}
