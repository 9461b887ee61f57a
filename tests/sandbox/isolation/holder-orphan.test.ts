// A holder whose bubblewrap dies before it lets its process in the new namespaces run (its info
// pipe gone, as with a runtime that died while the holder started): that process waits for its
// parent's word for good, so the holder's launcher ends its own process group once bubblewrap has
// ended, and nothing of the holder is left (CI found such orphans: `bwrap --args 3 -- pause`).
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { test } from '../../support/test.ts';
import * as assert from 'uvu/assert';
import { launching } from '../../../src/sandbox/isolation/launcher.ts';
import { pauseArgs, SANDBOX_BIN } from '../../../src/sandbox/isolation/holder.ts';
import { findIsolationTools } from '../../../src/sandbox/isolation/host-tools.ts';
import { libraryArgs } from '../../../src/sandbox/isolation/base-layer.ts';
import { waitFor } from '../../support/wait.ts';

/** The processes in process group `pgid` now. */
function inGroup(pgid: number): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const [state, , group] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(group) === pgid && state !== 'Z') pids.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

test('bubblewrap killed by its closed info pipe before its child ran leaves nothing of the holder', async () => {
  const tools = findIsolationTools();
  if ('missing' in tools) throw new Error(tools.missing);
  const [file, ...args] = launching(tools.bash, { keepFds: 4, endGroup: true }, [tools.bwrap, '--args', '3', '--', 'pause']);
  const child = spawn(file, args, { env: { PATH: SANDBOX_BIN }, stdio: ['pipe', 'pipe', 'pipe', 'pipe', 'pipe'], detached: true });
  const [, , , argsPipe, infoPipe] = child.stdio as unknown as (Readable & Writable)[];
  for (const pipe of child.stdio as unknown as Readable[]) pipe?.on('error', () => {});
  infoPipe.destroy(); // bubblewrap's write of the child's pid fails: it dies before it lets the child run
  argsPipe.end(['--info-fd', '4', '--unshare-user', '--unshare-pid', '--tmpfs', '/', ...libraryArgs(), ...pauseArgs(tools)].map((arg) => `${arg}\0`).join(''));
  const exited = await new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(`${code ?? signal}`)));
  assert.is(exited, 'SIGKILL', 'the launcher ended its group, itself with it');
  await waitFor(() => inGroup(child.pid!).length === 0, `nothing left in the holder's process group (left: ${inGroup(child.pid!).join(', ')})`);
});

test.run();
