// Nothing of this machine is in a sandbox container's sight: not the project, not the home
// folder, not the sandbox's own token, kubeconfig and certificates, not this machine's processes
// nor its shells' start-up files;
// and what a container does to its own filesystem (rm -rf /, symlinks out) stays in its layer.
import { test } from '../../support/test.ts';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { randomBytes } from 'node:crypto';
import { startLab, run, sh } from './support.ts';
import { waitFor } from '../../support/wait.ts';

const sandbox = await startLab();
const secret = randomBytes(8).toString('hex');
const canaries = [join(process.cwd(), `.octant-exec-canary-${secret}`), join(homedir(), `.octant-exec-canary-${secret}`)];
for (const canary of canaries) writeFileSync(canary, `canary ${secret}\n`);
test.after(async () => {
  await sandbox.close();
  for (const canary of canaries) rmSync(canary, { force: true });
});

test("the project, the home folder and the sandbox's own files are not there, to read or to write", async () => {
  const paths = [...canaries, process.cwd(), join(process.cwd(), 'package.json'), sandbox.stateDir, sandbox.kubeconfigPath, join(sandbox.stateDir, 'ca.crt')];
  const looked = await sh(sandbox, 'victim', 'for p; do test -e "$p" && echo "visible: $p"; done; echo checked', paths);
  assert.is(looked.stdout, 'checked\n');
  // What a container's root does hold: its image, nothing else.
  const root = await run(sandbox, 'victim', ['ls', '-A', '/']);
  assert.equal(root.stdout.trim().split('\n'), ['bin', 'dev', 'etc', 'home', 'lib', 'lib64', 'proc', 'root', 'sbin', 'tmp', 'usr', 'var'].filter((name) => name !== 'lib64' || existsSync('/lib64')));
  // Writing to the same paths lands in the container (where /root and /tmp are its own), never here.
  await sh(sandbox, 'victim', 'for p; do mkdir -p "$(dirname "$p")" && echo pwned > "$p"; done 2>/dev/null; true', paths);
  for (const canary of canaries) assert.is(readFileSync(canary, 'utf8'), `canary ${secret}\n`);
  assert.not.match(readFileSync(sandbox.kubeconfigPath, 'utf8'), 'pwned');
});

test("the shells' start-up files are the image's: not this machine's /etc/fish and /etc/zsh, nor other packages' fish snippets", async () => {
  const etc = await run(sandbox, 'victim', ['ls', '-A', '/etc/fish', '/etc/zsh']);
  assert.is(etc.stdout, '/etc/fish:\nconfig.fish\n\n/etc/zsh:\nzshrc\n');
  assert.not.match((await run(sandbox, 'victim', ['cat', '/etc/fish/config.fish', '/etc/zsh/zshrc'])).stdout, /debian|DEBIAN/);
  const share = await run(sandbox, 'victim', ['ls', '/usr/share/fish']);
  if (existsSync('/usr/share/fish/functions')) assert.match(share.stdout, /^functions$/m, "fish's own functions are there");
  assert.not.match(share.stdout, /vendor/, "none of this machine's vendor_conf.d (nor other vendor directories)");
  assert.is((await run(sandbox, 'victim', ['fish', '-c', 'echo fish-ran'])).stdout, 'fish-ran\n');
});

test("the sandbox's bearer token is nowhere in a container: files, environment, command lines", async () => {
  const ran = await sh(sandbox, 'victim', 'grep -rsl "$1" /etc /root /tmp /var /home /dev /proc/[0-9]*/environ /proc/[0-9]*/cmdline; echo "grep=$?"', [sandbox.token.slice(0, 24)]);
  // The exec's own command line holds the searched text, so only its own /proc entry may match.
  const hits = ran.stdout.split('\n').filter((line) => line.startsWith('/') && !/^\/proc\/\d+\/cmdline$/.test(line));
  assert.equal(hits, []);
});

test("no process of a container has this machine's folders in its environment (the sandbox's init was started in the server's)", async () => {
  const ran = await sh(sandbox, 'victim', 'cat /proc/[0-9]*/environ | tr "\\0" "\\n"');
  assert.match(ran.stdout, /^HOSTNAME=victim$/m, 'the environments were read');
  for (const folder of [process.cwd(), sandbox.stateDir]) assert.not.ok(ran.stdout.includes(folder), `${folder} in: ${ran.stdout}`);
});

test("this machine's processes are out of sight and out of reach", async () => {
  const listed = await run(sandbox, 'victim', ['ps', '-e', '-o', 'pid=,args=']);
  const lines = listed.stdout.trim().split('\n').map((line) => line.trim());
  // bubblewrap's init (PID 1), pause, and the ps itself: the container's own processes only.
  assert.match(lines[0], /^1 \S*bwrap --args 3 -- pause$/);
  assert.ok(lines.length <= 4, listed.stdout);
  assert.not.match(listed.stdout, /node|tsx|octant/);
  const signal = await sh(sandbox, 'victim', 'kill -0 "$1" 2>&1; echo "kill=$?"', [String(process.pid)]);
  assert.match(signal.stdout, /kill=1\n$/);
  assert.match(signal.stdout, /No such process/);
});

test("rm -rf / empties only that container's writable layer: this machine and the other pods keep theirs", async () => {
  await sh(sandbox, 'bystander', 'echo mine > /root/keep');
  await sh(sandbox, 'victim', 'echo mine > /root/keep');
  const layer = join(sandbox.stateDir, 'pods', 'lab', 'victim', 'main.0'); // its first start's
  assert.ok(existsSync(join(layer, 'root', 'keep')));
  await sh(sandbox, 'victim', 'rm -rf --no-preserve-root / 2>/dev/null; echo done');
  assert.not.ok(existsSync(join(layer, 'root', 'keep')));
  assert.not.ok(existsSync(join(layer, 'etc', 'passwd')));
  // Read-only binds could not go: the libraries, the image's programs.
  assert.ok(existsSync('/usr/lib') && readdirSync('/usr/lib').length > 0);
  for (const canary of canaries) assert.ok(existsSync(canary));
  assert.ok(existsSync(sandbox.kubeconfigPath) && existsSync(join(process.cwd(), 'package.json')));
  const bystander = await run(sandbox, 'bystander', ['cat', '/root/keep']);
  assert.is(bystander.stdout, 'mine\n');
});

test('a symlink in the writable layer leads inside the container, never to this machine', async () => {
  const [projectCanary, homeCanary] = canaries;
  const ran = await sh(sandbox, 'bystander', 'ln -s "$1" /root/out && cat /root/out 2>&1; ln -s / /root/top && ls /root/top/; ln -s "$2" /tmp/home-link; ln -s "$3" /root/node', [projectCanary, homeCanary, process.execPath]);
  assert.not.match(ran.stdout, secret);
  assert.match(ran.stdout, /No such file or directory/);
  assert.match(ran.stdout, /\bproc\b/); // the container's own root
  assert.not.match(ran.stdout, /\bwork\b|node_modules/);
  // argv[0] through a link to a program this machine has and the image lacks: not found, as runc says it.
  const viaLink = await run(sandbox, 'bystander', ['/root/node', '-e', '1']);
  assert.is(viaLink.code, undefined);
  assert.match(String(viaLink.status?.message), 'exec: "/root/node": stat /root/node: no such file or directory');
  // Deleting the pod removes its layer without following the links planted in it.
  assert.ok(sandbox.deletePod('lab', 'bystander'));
  await waitFor(() => !existsSync(join(sandbox.stateDir, 'pods', 'lab', 'bystander')), "the bystander's layer to go", 10_000);
  for (const canary of canaries) assert.is(readFileSync(canary, 'utf8'), `canary ${secret}\n`);
});

test.run();
