// Where an upload lands (src/cli/cp/upload-placement.ts), case by case, as kubectl cp 1.33
// places it (tests/cli/cp.test.ts checks the same against the real kubectl in the sandbox).
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { basename, resolve } from 'node:path';
import { PlacementError, remoteTarget, uploadPlacement } from '../../src/cli/cp/upload-placement.ts';
import { UsageError } from '../../src/cli/usage.ts';

test('DST as the path to ask about: "." and a trailing "/" resolved, "/" stays; ".." refused (only the container knows where it leads)', () => {
  assert.equal(['/tmp/x/', '/tmp/x/.', '/tmp/./x', '/tmp//x', '/', '/.'].map(remoteTarget), ['/tmp/x', '/tmp/x', '/tmp/x', '/tmp/x', '/', '/']);
  for (const dst of ['/tmp/x/..', '/tmp/../x']) assert.throws(() => remoteTarget(dst), (error: unknown) => error instanceof UsageError && /may not have "\.\." parts/.test((error as Error).message));
});

test('a file: into a folder under its own name, else named as DST', () => {
  assert.equal(uploadPlacement('a/f.txt', '/srv/dir', 'folder', false), { dir: '/srv/dir', name: 'f.txt' });
  assert.equal(uploadPlacement('a/f.txt', '/srv/new.txt', undefined, false), { dir: '/srv', name: 'new.txt' });
  assert.equal(uploadPlacement('a/f.txt', '/srv/old.txt', 'file', false), { dir: '/srv', name: 'old.txt' });
  // a folder meant by its spelling, there or not (not there: the upload says so)
  for (const dst of ['/srv/dir/', '/srv/dir/.']) assert.equal(uploadPlacement('a/f.txt', dst, undefined, false), { dir: '/srv/dir', name: 'f.txt' }, dst);
  assert.equal(uploadPlacement('a/f.txt', '/', 'folder', false), { dir: '/', name: 'f.txt' });
});

test('a folder: into a folder under its own name, else named as DST; onto a file refused', () => {
  assert.equal(uploadPlacement('site', '/srv/html', 'folder', true), { dir: '/srv/html', name: 'site' });
  assert.equal(uploadPlacement('site/', '/srv/html', 'folder', true), { dir: '/srv/html', name: 'site' });
  assert.equal(uploadPlacement('site', '/srv/new', undefined, true), { dir: '/srv', name: 'new' });
  assert.throws(() => uploadPlacement('site', '/srv/file.txt', 'file', true), (error: unknown) => error instanceof PlacementError && /"\/srv\/file.txt" is a file in the container/.test((error as Error).message));
});

test('a source ending in "." is its contents: into DST without an entry of its own (DST keeps its mode, a symlink stays), or made as DST', () => {
  for (const local of ['.', './', 'site/.', 'site/./']) {
    assert.equal(uploadPlacement(local, '/srv/html', 'folder', true), { dir: '/srv/html' }, local);
    assert.equal(uploadPlacement(local, '/srv/html/', undefined, true), { dir: '/srv', name: 'html' }, local);
  }
  assert.equal(uploadPlacement('.', '/', 'folder', true), { dir: '/' });
  // ".." is named as the folder it stands for
  assert.equal(uploadPlacement('..', '/srv/html', 'folder', true), { dir: '/srv/html', name: basename(resolve('..')) });
});

test.run();
