// --token-file (local mode): the token from a file, so that replicas (or one server across
// restarts) take the same one. Made with a fresh token, mode 0600, when missing; read when present;
// refused with a sentence naming the file when its content or its permissions are wrong; and two
// servers given the same file take the same token.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tokenFromFile } from '../../src/server/auth/token-file.ts';
import { call, startTestApp } from './support.ts';

const dir = mkdtempSync(join(tmpdir(), 'octant-exec-token-file-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('a missing token file is made with a fresh token, mode 0600, and read back the same by the next start', () => {
  const file = join(dir, 'made');
  const token = tokenFromFile(file);
  assert.match(token, /^[A-Za-z0-9_-]{43}$/, '32 random bytes, as a per-launch token');
  assert.is(statSync(file).mode & 0o777, 0o600);
  assert.is(readFileSync(file, 'utf8'), `${token}\n`);
  assert.is(tokenFromFile(file), token);
  assert.equal(readdirSync(dir), ['made'], 'no draft left behind');
});

test('a token file written by hand is read trimmed: hex, base64, base64url', () => {
  for (const token of ['0123456789abcdef0123456789abcdef', 'q83vEjRWeJq83vEjRWeJq83vEjRWeJq8/+==', 'x'.repeat(512)]) {
    const file = join(dir, 'hand');
    writeFileSync(file, `  ${token}\r\n`, { mode: 0o600 });
    assert.is(tokenFromFile(file), token);
    rmSync(file);
  }
});

test('bad content or permissions: refused with a sentence naming the file and what to do, never the content', () => {
  const secretish = 'short-but-secret';
  const cases: [string, number, RegExp][] = [
    [secretish, 0o600, /--token-file .*bad must hold one token alone: 32 to 512 letters, digits or -_\+\/= \(base64 or hex\); delete the file to have a fresh one made, or write one with: openssl rand -hex 32 > /],
    ['', 0o600, /must hold one token alone/],
    [`${'a'.repeat(40)} ${'b'.repeat(40)}`, 0o600, /must hold one token alone/],
    ['a'.repeat(513), 0o600, /must hold one token alone/],
    ['é'.repeat(40), 0o600, /must hold one token alone/],
    ['a'.repeat(43), 0o644, /--token-file .*bad may be read by every user of this machine \(mode 0644\): chmod 600 /],
  ];
  for (const [content, mode, message] of cases) {
    const file = join(dir, 'bad');
    writeFileSync(file, content);
    chmodSync(file, mode);
    assert.throws(() => tokenFromFile(file), (error: Error) => message.test(error.message) && !error.message.includes(secretish), JSON.stringify(content));
    rmSync(file);
  }
  assert.throws(() => tokenFromFile(join(dir, 'no-such-folder', 'token')), /--token-file .*token does not exist and cannot be made: ENOENT/);
});

test('two servers given the same --token-file take the same token; a start with a bad one stops with the sentence', async () => {
  const file = join(dir, 'shared');
  const first = await startTestApp({ tokenFile: file });
  const second = await startTestApp({ tokenFile: file });
  try {
    assert.is(second.token, first.token);
    for (const app of [first, second]) {
      assert.is((await call(app, '/api/v1/info', { token: first.token })).status, 200);
      assert.is((await call(app, '/api/v1/info', { token: 'x'.repeat(43) })).status, 401);
    }
  } finally {
    await second.close();
    await first.close();
  }
  writeFileSync(file, 'too-short\n', { mode: 0o600 });
  const state = join(dir, 'state');
  await startTestApp({ tokenFile: file, stateDir: state }).then(
    () => assert.unreachable('started'),
    (error: Error) => assert.match(error.message, /--token-file .*shared must hold one token alone/),
  );
});

test.run();
