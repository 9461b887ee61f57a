// The kubeconfig files the sandbox writes hold a token that runs commands on this machine: owner
// only, whatever was at that path before. `--kubeconfig-out` onto an old kubeconfig (mode 0644)
// kept that mode, and a symbolic link planted there was written through (helper-198's review).
import { lstatSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { writeKubeconfig } from '../../src/sandbox/api/kubeconfig.ts';

const dir = mkdtempSync(join(tmpdir(), 'octant-exec-kubeconfig-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const fields = { server: 'https://127.0.0.1:6443', caPem: 'ca', token: 'the-admin-token' };
const mode = (path: string) => lstatSync(path).mode & 0o777;

test('a new kubeconfig is its owner\'s only', () => {
  const path = join(dir, 'new.yaml');
  writeKubeconfig(path, fields);
  assert.is(mode(path), 0o600);
  assert.match(readFileSync(path, 'utf8'), 'token: "the-admin-token"');
});

test('written over a world-readable file, it is its owner\'s only, and nothing else is left beside it', () => {
  const path = join(dir, 'old.yaml');
  writeFileSync(path, 'an old kubeconfig\n', { mode: 0o644 });
  writeKubeconfig(path, fields);
  assert.is(mode(path), 0o600);
  assert.match(readFileSync(path, 'utf8'), 'token: "the-admin-token"');
  assert.equal(readdirSync(dir).filter((name) => name.includes('old.yaml')), ['old.yaml']);
});

test('a symbolic link at the path is replaced, not written through', () => {
  const target = join(dir, 'elsewhere');
  writeFileSync(target, 'not a kubeconfig\n', { mode: 0o644 });
  const path = join(dir, 'linked.yaml');
  symlinkSync(target, path);
  writeKubeconfig(path, fields);
  assert.ok(lstatSync(path).isFile());
  assert.is(mode(path), 0o600);
  assert.is(readFileSync(target, 'utf8'), 'not a kubeconfig\n');
});

test.run();
