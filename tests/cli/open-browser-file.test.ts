// --open writes the URL with its token into STATE/open.html for the browser. Whatever already
// sits at that name (a symbolic link planted there, a folder, a file another run left) must
// neither receive the token nor take down the start: the server that printed its URL runs on and
// stops cleanly on SIGTERM. A --token-file's token is not handed over at all: the URL the browser
// opens stays in its history, and that token outlives the launch.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCli, type Cli } from '../support/cli.ts';
import { killAndRemove } from '../support/killed-state-dir.ts';
import { waitFor, withTimeout } from '../support/wait.ts';

const test = suite('serve --open and what sits at open.html', { deadlineMs: 120_000 });
const deno = (globalThis as { Deno?: unknown }).Deno;
const scratch = mkdtempSync(join(tmpdir(), 'octant-exec-open-file-'));
const started: Cli[] = [];
test.after(() => killAndRemove(started, scratch));

/** A PATH folder whose xdg-open notes the file it was given. */
function fakeOpener(name: string): { bin: string; record: string } {
  const bin = join(scratch, `bin-${name}`);
  mkdirSync(bin);
  const record = join(bin, 'opened.txt');
  writeFileSync(join(bin, 'xdg-open'), `#!/bin/sh\nprintf '%s' "$1" > '${record}.part' && mv '${record}.part' '${record}'\n`, { mode: 0o755 });
  return { bin, record };
}

async function serveOpen(stateDir: string, bin: string, more: string[] = []): Promise<{ cli: Cli; ready: { url: string; token: string | null } }> {
  const cli = startCli(['--sandbox', '--json', '--open', '--port', '0', '--state-dir', stateDir, ...more], { pathPrefix: bin });
  started.push(cli);
  await waitFor(() => cli.stdout.length > 0 || cli.child.exitCode !== null, 'the JSON line', 60_000);
  assert.ok(cli.stdout.length > 0, cli.stderr());
  return { cli, ready: JSON.parse(cli.stdout[0]) };
}

async function stopsCleanly(cli: Cli): Promise<void> {
  cli.child.kill('SIGTERM');
  const code = await withTimeout(cli.exit, 30_000, 'the CLI to stop');
  await new Promise((r) => setImmediate(r));
  assert.match(cli.stderr(), /octant-exec: stopped \(SIGTERM\); every terminal ended\n$/, cli.stderr());
  if (!deno) assert.is(code, 0);
}

test('a symbolic link planted at open.html is replaced, not followed: the token never reaches its target', async () => {
  const stateDir = join(scratch, 'state-link');
  mkdirSync(stateDir, { mode: 0o700 });
  const target = join(scratch, 'someone-elses-file');
  writeFileSync(target, '', { mode: 0o666 });
  symlinkSync(target, join(stateDir, 'open.html'));
  const { bin, record } = fakeOpener('link');
  const { cli, ready } = await serveOpen(stateDir, bin);
  await waitFor(() => existsSync(record) || cli.child.exitCode !== null, 'xdg-open to be called', 30_000);
  assert.not.ok(readFileSync(target, 'utf8').includes(ready.token!), 'the token was written through the link');
  const opened = join(stateDir, 'open.html');
  assert.ok(lstatSync(opened).isFile(), 'open.html is a file of its own');
  assert.is(lstatSync(opened).mode & 0o777, 0o600);
  assert.ok(readFileSync(opened, 'utf8').includes(`${ready.url}#token=${ready.token}`));
  await stopsCleanly(cli);
});

test('with --token-file the browser opens the bare URL: the file\'s token is in no URL, and so in no history', async () => {
  const stateDir = join(scratch, 'state-token-file');
  const tokenFile = join(scratch, 'token');
  const { bin, record } = fakeOpener('token-file');
  const { cli, ready } = await serveOpen(stateDir, bin, ['--token-file', tokenFile]);
  await waitFor(() => existsSync(record) || cli.child.exitCode !== null, 'xdg-open to be called', 30_000);
  const redirect = readFileSync(join(stateDir, 'open.html'), 'utf8');
  const token = readFileSync(tokenFile, 'utf8').trim();
  assert.ok(redirect.includes(`url=${ready.url}"`), redirect);
  assert.not.ok(redirect.includes('#token=') || redirect.includes(token), redirect);
  await stopsCleanly(cli);
});

test('open.html that cannot be written (a folder there) costs the browser only: the server runs on and stops on SIGTERM', async () => {
  const stateDir = join(scratch, 'state-folder');
  mkdirSync(join(stateDir, 'open.html', 'inside'), { recursive: true, mode: 0o700 });
  const { bin } = fakeOpener('folder');
  const { cli } = await serveOpen(stateDir, bin);
  await waitFor(() => /open the URL yourself|EISDIR/.test(cli.stderr()) || cli.child.exitCode !== null, 'a line about open.html', 30_000);
  assert.match(cli.stderr(), /open the URL yourself/);
  assert.not.match(cli.stderr(), /EISDIR: illegal operation/, 'not the start failing');
  await stopsCleanly(cli);
});

test.run();
