// A holder whose launcher fails before bubblewrap reads its arguments (the pod's cgroup gone, say)
// is refused with the launcher's reason; the reset of its pipes must not take the sandbox down.
import { test } from '../../support/test.ts';
import * as assert from 'uvu/assert';
import { startHolder, pauseArgs } from '../../../src/sandbox/isolation/holder.ts';
import { findIsolationTools } from '../../../src/sandbox/isolation/host-tools.ts';
import { libraryArgs } from '../../../src/sandbox/isolation/base-layer.ts';

test('a launcher that cannot join its cgroup: the start is refused with why, and this process lives on', async () => {
  const tools = findIsolationTools();
  if ('missing' in tools) throw new Error(tools.missing);
  // Several times: the reset comes only when the launcher exits before the arguments are read.
  for (let i = 0; i < 10; i++) {
    const error = await startHolder(tools, { args: ['--unshare-user', '--unshare-pid', '--tmpfs', '/', ...libraryArgs(), ...pauseArgs(tools)], cgroupProcs: '/nonexistent/cgroup.procs' }).then(
      () => undefined,
      (e: Error) => e,
    );
    assert.match(String(error?.message), /^bubblewrap failed: .*\/nonexistent\/cgroup\.procs: No such file or directory/);
  }
});

test.run();
