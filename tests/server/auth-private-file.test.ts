// The files secrets are read from (--token-file, --session-key-file: src/server/auth/private-file.ts):
// one of another user's is refused, as whoever made it knows what it holds (a token file made in
// /tmp before this user named it would open this user's server to them); one of root's is taken,
// as a Kubernetes Secret's files are root's.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { chownSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { readPrivateFile } from '../../src/server/auth/private-file.ts';

const dir = mkdtempSync(join(tmpdir(), 'octant-exec-private-file-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const token = 'a'.repeat(43);

test("a file of another user's is refused with a sentence naming it and what to do, never its content; its owner's and root's are read", () => {
  const file = join(dir, 'token');
  writeFileSync(file, token, { mode: 0o600 });
  const root = process.getuid?.() === 0;
  if (root) chownSync(file, 65534, 65534); // as root (CI): another user's for real, checked below as this process
  const owner = statSync(file).uid;
  assert.is(readPrivateFile('--token-file', file, owner).toString(), token, "its owner's");
  assert.throws(
    () => readPrivateFile('--token-file', file, owner + 1),
    (error: Error) => error.message === `--token-file ${file} belongs to another user (uid ${owner}), who may know what it holds: use a file of your own (delete this one, or give another path)`,
  );
  if (!root) return; // what follows needs a file of another user's, or of root's, which only root can make
  assert.throws(() => readPrivateFile('--token-file', file), /belongs to another user \(uid 65534\)/, 'this process, as root, refuses it');
  chownSync(file, 0, 0);
  assert.is(readPrivateFile('--session-key-file', file, 1234).toString(), token, "root's is taken by anyone");
});

test.run();
