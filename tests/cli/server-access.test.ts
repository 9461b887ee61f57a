// Which credential a client command sends (server-access.ts), decided on this machine before
// anything is sent: a flag's file first, then the sign-in kept for that very server, then
// $OCTANT_EXEC_TOKEN; a kept sign-in past its end, or a file that is not one, is said, never sent.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { lstatSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { keepSignIn, signInsDir } from '../../src/cli/server/kept-sign-ins.ts';
import { serverAccess } from '../../src/cli/server/server-access.ts';
import { UsageError } from '../../src/cli/usage.ts';

const dir = mkdtempSync(join(tmpdir(), 'octant-exec-access-'));
const env = { XDG_STATE_HOME: join(dir, 'state') };
const team = 'https://exec.example.com';
const later = new Date(Date.now() + 3600_000).toISOString();
const signIn = { server: team, cookie: '__Host-octant_exec_session=abc', user: 'alice', groups: ['dev'], admin: false, expiresAt: later };
const tokenFile = join(dir, 'token');
writeFileSync(tokenFile, 'from-the-file\n', { mode: 0o600 });
const warnings: string[] = [];
const access = (flags: Record<string, string>, more: Record<string, string> = {}) => serverAccess(flags, { ...env, ...more }, (line) => warnings.push(line));
const usage = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    assert.instance(error, UsageError);
    return (error as Error).message;
  }
  throw new Error('no usage error');
};

test.after(() => rmSync(dir, { recursive: true, force: true }));

test("the kept sign-in goes to its own server only, before $OCTANT_EXEC_TOKEN; a flag's file before both", () => {
  keepSignIn(signIn, env);
  const kept = access({ server: `${team}/some/page` }, { OCTANT_EXEC_TOKEN: 'exported' });
  assert.equal([kept.cookie, kept.token, kept.signIn?.user], [signIn.cookie, '', 'alice']);
  assert.equal([access({ server: 'https://exec.example.com:8443' }, { OCTANT_EXEC_TOKEN: 'exported' }).token, access({ server: 'http://exec.example.com' }, { OCTANT_EXEC_TOKEN: 'exported' }).cookie], ['exported', undefined], 'another origin is another server');
  assert.equal(access({ server: team, 'token-file': tokenFile }).token, 'from-the-file');
  assert.match(usage(() => access({ server: 'http://127.0.0.1:7788' })), 'for a team\'s server run `octant-exec sign-in --server http://127.0.0.1:7788` first; for your own, give --token-file FILE or $OCTANT_EXEC_TOKEN');
  assert.equal(warnings, []);
});

test('a kept sign-in past its end is said with what to do; a file that is no sign-in is warned of and left out', () => {
  keepSignIn({ ...signIn, expiresAt: '2020-01-01T00:00:00.000Z' }, env);
  assert.is(usage(() => access({ server: team })), `your sign-in to ${team} (as alice) ended at 2020-01-01T00:00:00.000Z: run \`octant-exec sign-in --server ${team}\` again`);
  assert.is(access({ server: team }, { OCTANT_EXEC_TOKEN: 'exported' }).token, 'exported');
  writeFileSync(join(signInsDir(env), `${encodeURIComponent(team)}.json`), '{"server":"https://elsewhere.example.com"}', { mode: 0o600 });
  assert.is(access({ server: team }, { OCTANT_EXEC_TOKEN: 'exported' }).token, 'exported');
  assert.match(warnings.join('\n'), 'is not a sign-in this command kept: it is left out');
  // a link in its place (to a sign-in kept elsewhere, or to anything) is none of this user's files
  const file = join(signInsDir(env), `${encodeURIComponent(team)}.json`);
  rmSync(file);
  const elsewhere = join(dir, 'elsewhere.json');
  writeFileSync(elsewhere, JSON.stringify(signIn), { mode: 0o600 });
  symlinkSync(elsewhere, file);
  assert.is(access({ server: team }, { OCTANT_EXEC_TOKEN: 'exported' }).token, 'exported');
  assert.match(warnings.join('\n'), `${file} is not a plain file: it is left out`);
});

test('keeping a sign-in writes a file of its own, 0600, never through a link planted beside it', () => {
  const other = join(dir, 'other-state');
  const planted = join(dir, 'planted');
  writeFileSync(planted, 'not yours', { mode: 0o644 });
  const file = keepSignIn(signIn, { XDG_STATE_HOME: other });
  rmSync(file);
  // a link where a name made of what others can know (this process's id) would be written: not followed
  symlinkSync(planted, `${file}.${process.pid}.next`);
  keepSignIn(signIn, { XDG_STATE_HOME: other });
  assert.is(readFileSync(planted, 'utf8'), 'not yours');
  assert.is(lstatSync(file).isFile(), true);
  assert.is(lstatSync(file).mode & 0o777, 0o600);
});
test.run();
