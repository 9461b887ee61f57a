// An app's close resolves once every process its sandbox started has ended and been reaped. A
// pod keeps a spare launcher ready for its next exec (src/sandbox/isolation/pod-sandbox.ts); a
// close that killed it without waiting left it a zombie of this process, found there by whatever
// went on after the close (the test runner named it "still running" after short server tests: in
// about two closes of five right after a start).
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import process from 'node:process';
import { describeProcess, processTree } from '../support/process-tree.ts';
import { startTestApp } from './support.ts';

test("after close, nothing the app's sandbox started is left, not even a process not yet reaped (a pod's spare launcher)", async () => {
  const before = new Set(processTree(process.pid));
  for (let start = 1; start <= 4; start++) {
    const app = await startTestApp();
    await app.close();
    assert.equal(processTree(process.pid).filter((pid) => !before.has(pid)).map(describeProcess), [], `processes left after close ${start}`);
  }
});

test.run();
