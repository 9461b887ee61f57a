// Removing a writable layer whatever its container left in it and whatever a process does in it
// meanwhile (writable-layer.ts): a tree deeper than PATH_MAX (Node's rmSync threw ENAMETOOLONG, and
// the sandbox, or the whole server it ran in, died of it), folders closed with chmod 000 (this
// machine's user owns them: as root, and as a user), links to this machine's files (never
// followed), and a process that swaps a folder for such a link while the removal goes (the
// removal deleted the file the link named). What cannot be removed stays aside, out of the way of
// a new layer of its name.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { test } from '../../support/test.ts';
import * as assert from 'uvu/assert';
import { findIsolationTools } from '../../../src/sandbox/isolation/host-tools.ts';
import { createWritableLayer, removeWritableLayer } from '../../../src/sandbox/isolation/writable-layer.ts';
import { cliArgv } from '../../support/cli.ts';
import { waitFor, withTimeout } from '../../support/wait.ts';
import { buildRacer } from './layer-racer.ts';

const found = findIsolationTools();
if ('missing' in found) throw new Error(found.missing);
const tools = found;
const dirs: string[] = [];
test.after(() => {
  // GNU rm: what a failed test left may be deeper than rmSync can go
  for (const dir of dirs) spawnSync('rm', ['-rf', '--one-file-system', dir]);
});

/** A folder this test's user, or `nobody`, may make things in. */
function scratch(forOther = false): string {
  const dir = mkdtempSync(forOther ? '/tmp/octant-exec-layer-removal-' : join(tmpdir(), 'octant-exec-layer-removal-'));
  dirs.push(dir);
  if (forOther) chmodSync(dir, 0o777);
  return dir;
}

/** A file of this machine that a container's links name. */
function victim(dir: string): string {
  const folder = join(dir, 'victim');
  mkdirSync(folder, { mode: 0o755 });
  writeFileSync(join(folder, 'precious'), "this machine's file\n", { mode: 0o644 });
  return folder;
}

/** What a container may leave: a tree deeper than PATH_MAX, folders closed to everyone, a sticky /tmp, links out. */
const LEFT_BY_A_CONTAINER = `
set -e
layer=$1 victim=$2
mkdir -p "$layer/tmp" "$layer/root/locked/inner" "$layer/var/tmp"
echo secret > "$layer/root/locked/inner/file"
chmod 000 "$layer/root/locked/inner" "$layer/root/locked"
chmod 1777 "$layer/var/tmp"; echo x > "$layer/var/tmp/f"
ln -s "$victim" "$layer/tmp/out"; ln -s "$victim/precious" "$layer/tmp/precious"
cd "$layer/tmp"
for i in $(seq 120); do mkdir dddddddddddddddddddddddddddddddddddddddddddddddddd; cd dddddddddddddddddddddddddddddddddddddddddddddddddd; done
[ "$(pwd | wc -c)" -gt 4096 ]; echo deep > file
chmod 000 "$layer/tmp/dddddddddddddddddddddddddddddddddddddddddddddddddd"
`;

const asNobody = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'];

test("a layer goes whole: deeper than PATH_MAX, folders closed with chmod 000, and its links' targets stay", async () => {
  const dir = scratch();
  const outside = victim(dir);
  const layer = join(dir, 'pods', 'lab', 'victim', 'main.0');
  mkdirSync(layer, { recursive: true });
  const made = spawnSync('bash', ['-c', LEFT_BY_A_CONTAINER, 'bash', layer, outside], { encoding: 'utf8' });
  assert.is(made.status, 0, made.stderr);
  assert.is(await removeWritableLayer(tools, layer), undefined);
  assert.equal(readdirSync(join(dir, 'pods', 'lab', 'victim')), [], 'gone, with nothing set aside');
  assert.is(readFileSync(join(outside, 'precious'), 'utf8'), "this machine's file\n");
});

test('as a user who is not root, the same layer goes too (the folders it closed are that user\'s)', async () => {
  if (process.getuid?.() !== 0) return; // the test above is that user's: this one is root's check of another user
  const dir = scratch(true);
  const outside = victim(dir);
  const layer = join(dir, 'pods', 'main.0');
  const made = spawnSync(asNobody[0], [...asNobody.slice(1), 'bash', '-c', `mkdir -p "$1" && ${LEFT_BY_A_CONTAINER}`, 'bash', layer, outside], { encoding: 'utf8' });
  assert.is(made.status, 0, made.stderr);
  const home = join(dir, 'home');
  mkdirSync(home, { mode: 0o777 });
  chmodSync(home, 0o777);
  const child = cliArgv([layer], { script: new URL('./remove-layer-child.ts', import.meta.url).pathname });
  const removed = spawnSync(asNobody[0], [...asNobody.slice(1), ...child], { cwd: process.cwd(), encoding: 'utf8', env: { PATH: process.env.PATH!, HOME: home, TMPDIR: home }, timeout: 60_000 });
  assert.is(removed.status, 0, removed.stderr);
  assert.equal(JSON.parse(removed.stdout.trim().split('\n').at(-1)!), { said: null }, removed.stdout);
  assert.equal(readdirSync(join(dir, 'pods')), []);
  assert.is(readFileSync(join(outside, 'precious'), 'utf8'), "this machine's file\n");
});

test("a process that swaps a folder of the layer for a link to this machine's folder while the removal goes removes nothing of this machine", async () => {
  const dir = scratch();
  const outside = victim(dir);
  const racer = buildRacer(dir);
  const layer = join(dir, 'pods', 'lab', 'web', 'nginx.0');
  mkdirSync(layer, { recursive: true });
  // it holds the layer open, as a process in a container holding another container's root does
  const race = spawn(racer, ['race', layer, outside, 'precious'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  race.stdout!.setEncoding('utf8').on('data', (text: string) => (output += text));
  const ended = new Promise((resolve) => race.once('close', resolve));
  try {
    await waitFor(() => /^ready$/m.test(output), 'the racer to fill its folder and watch it', 20_000);
    const said = await removeWritableLayer(tools, layer);
    await withTimeout(ended, 10_000, 'the racer to swap and end');
    assert.match(output, /^swapped$/m, 'it swapped the folder during the removal');
    assert.is(readFileSync(join(outside, 'precious'), 'utf8'), "this machine's file\n", `this machine's file stays (the removal said: ${said})`);
    assert.not.ok(existsSync(layer), 'the layer is gone from its place');
    // the link it made is all that may stay, aside: a second removal takes it (not what it names)
    if (said !== undefined) {
      assert.match(said, new RegExp(`^the files in ${layer} could not all be removed \\(.+\\): what is left of them is in ${dir}/pods/lab/web/\\.removing-\\w+$`));
      const [aside] = readdirSync(join(dir, 'pods', 'lab', 'web'));
      assert.is(await removeWritableLayer(tools, join(dir, 'pods', 'lab', 'web', aside)), undefined);
    }
    assert.equal(readdirSync(join(dir, 'pods', 'lab', 'web')), []);
    assert.equal(readdirSync(outside), ['precious']);
  } finally {
    race.kill('SIGKILL');
  }
});

test('what a removal could not remove stays aside, says where, and frees the name for a new layer, which is made afresh', async () => {
  const dir = scratch();
  const layer = join(dir, 'pods', 'lab', 'victim', 'main.0');
  createWritableLayer(layer, { '/etc/hostname': 'victim\n' });
  writeFileSync(join(layer, 'tmp', 'old'), 'from the old container\n');
  // an rm that removes nothing
  const said = await removeWritableLayer({ ...tools, rm: '/usr/bin/false' }, layer);
  assert.match(said ?? '', new RegExp(`^the files in ${layer} could not all be removed \\(rm in bubblewrap ended with 1\\): what is left of them is in (${dir}/pods/lab/victim/\\.removing-\\w+)$`));
  const aside = join(dir, 'pods', 'lab', 'victim', readdirSync(join(dir, 'pods', 'lab', 'victim'))[0]!);
  assert.ok(existsSync(join(aside, 'main.0', 'tmp', 'old')), 'it stays aside');
  createWritableLayer(layer, { '/etc/hostname': 'victim\n' });
  assert.equal(readdirSync(join(layer, 'tmp')), [], 'a fresh layer, not the old one');
  assert.is(await removeWritableLayer(tools, aside), undefined, 'removed again, as it is');
  assert.equal(readdirSync(join(dir, 'pods', 'lab', 'victim')), ['main.0']);
});

test('a layer is made only where nothing is: not into a folder or through a link already there', () => {
  const dir = scratch();
  const outside = victim(dir);
  const layer = join(dir, 'main.0');
  mkdirSync(layer);
  assert.throws(() => createWritableLayer(layer, { '/etc/hostname': 'x\n' }), /EEXIST/);
  assert.equal(readdirSync(layer), [], 'nothing written into the folder there');
  const linked = join(dir, 'main.1');
  symlinkSync(outside, linked);
  assert.throws(() => createWritableLayer(linked, { '/etc/hostname': 'x\n' }), /EEXIST/);
  assert.equal(readdirSync(outside), ['precious'], 'nothing written through the link');
});

test.run();
