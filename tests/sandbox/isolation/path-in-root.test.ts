// argv[0] looked up inside a container's root from outside it: symlinks are followed inside the
// root only (an absolute link, or one climbing with "..", never reaches this machine's files),
// loops end, and the words are runc's.
import { test } from '../../support/test.ts';
import * as assert from 'uvu/assert';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findExecutable, hostPath } from '../../../src/sandbox/isolation/path-in-root.ts';

const scratch = mkdtempSync(join(tmpdir(), 'octant-exec-path-in-root-'));
const root = join(scratch, 'root');
const outside = join(scratch, 'outside-program'); // a program of "this machine", next to the root
test.after(() => rmSync(scratch, { recursive: true, force: true }));

for (const dir of ['usr/bin', 'usr/local/bin', 'etc', 'tmp']) mkdirSync(join(root, dir), { recursive: true });
writeFileSync(join(root, 'usr/bin/sh'), '', { mode: 0o755 });
writeFileSync(join(root, 'etc/passwd'), 'root:x:0:0::/root:/bin/sh\n');
writeFileSync(outside, '', { mode: 0o755 });
chmodSync(outside, 0o755);
symlinkSync('usr/bin', join(root, 'bin'));
symlinkSync('/usr/bin/sh', join(root, 'usr/local/bin/sh-link')); // absolute: the container's /usr/bin/sh
symlinkSync(outside, join(root, 'tmp/escape')); // absolute: names a path of this machine
symlinkSync(`../../..${outside}`, join(root, 'tmp/climb')); // ".." past the root stays at the root
symlinkSync('loop-b', join(root, 'tmp/loop-a'));
symlinkSync('loop-a', join(root, 'tmp/loop-b'));

const PATH = '/usr/local/bin:/usr/bin:/bin';

test('a bare name is found along PATH; a path through the /bin link is found', () => {
  assert.equal(findExecutable(root, 'sh', PATH), { path: '/usr/bin/sh' });
  assert.equal(findExecutable(root, '/bin/sh', PATH), { path: '/bin/sh' });
  assert.equal(findExecutable(root, 'sh-link', PATH), { path: '/usr/local/bin/sh-link' });
});

test('an absolute symlink resolves against the container root, not this machine', () => {
  assert.is(hostPath(root, '/usr/local/bin/sh-link'), join(root, 'usr/bin/sh'));
  assert.is(hostPath(root, '/tmp/escape'), undefined);
  assert.is(hostPath(root, '/tmp/climb'), undefined);
  assert.equal(findExecutable(root, '/tmp/escape', PATH), { notFound: 'exec: "/tmp/escape": stat /tmp/escape: no such file or directory' });
  assert.equal(findExecutable(root, '/tmp/climb', PATH), { notFound: 'exec: "/tmp/climb": stat /tmp/climb: no such file or directory' });
  assert.is(hostPath(root, '/../../..'), root);
});

test('missing, not executable, and looping: runc\'s words', () => {
  assert.equal(findExecutable(root, 'bash', PATH), { notFound: 'exec: "bash": executable file not found in $PATH' });
  assert.equal(findExecutable(root, '/etc/passwd', PATH), { notFound: 'exec: "/etc/passwd": permission denied' });
  assert.equal(findExecutable(root, '/tmp', PATH), { notFound: 'exec: "/tmp": permission denied' });
  assert.is(hostPath(root, '/tmp/loop-a'), undefined);
  assert.equal(findExecutable(root, '', PATH), { notFound: 'exec: "": executable file not found in $PATH' });
});

test.run();
