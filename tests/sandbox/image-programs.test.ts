// What a sandbox image carries beyond what its fixture lists: an image with a shell has tar, which
// kubectl cp runs, and env, which octant-exec runs tar under (`env -u TAR_OPTIONS LC_ALL=C tar …`, so its words
// are English in any locale): a busybox image listing only `sh` copied files before env was needed,
// and must still. A shell-less (distroless) image has neither.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { programNames } from '../../src/sandbox/containers/tool-catalog.ts';
import { tarCommand } from '../../src/server/files/tar-command.ts';

test('an image with only a shell has the programs a file copy runs', () => {
  const programs = programNames(['sh']);
  const [runner] = tarCommand('cf', '-');
  assert.ok(programs.includes(runner) && programs.includes('tar'), `${runner} and tar among ${programs.join(' ')}`);
});

test('a shell-less image has neither', () => {
  assert.equal(programNames([], []), []);
});

test.run();
