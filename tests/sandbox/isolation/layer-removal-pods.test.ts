// A container's layer removed when it ends, with a sandbox's pods around it (helper-198's review):
// container a hands its root to container b over a Unix socket and ends; b swaps a folder of a's
// layer for a link to this machine's folder as the removal goes. The removal deleted this machine's
// file (as root, and as a user). And a tree deeper than PATH_MAX left by a container that then
// ended made the removal throw where nothing caught it: the sandbox, or the server it ran in, died.
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { test } from '../../support/test.ts';
import * as assert from 'uvu/assert';
import { openExec } from '../../support/sandbox-exec-client.ts';
import { waitFor, withTimeout } from '../../support/wait.ts';
import { buildRacer } from './layer-racer.ts';
import { run, sh, startLab } from './support.ts';

const sandbox = await startLab();
// what the sandbox says on stderr, and any rejection nothing handled (which would end this process, as it ended the server)
const said: string[] = [];
const unhandled: unknown[] = [];
const consoleError = console.error;
console.error = (...args: unknown[]) => {
  said.push(args.map(String).join(' '));
  consoleError(...args);
};
const onUnhandled = (reason: unknown) => unhandled.push(reason);
process.on('unhandledRejection', onUnhandled);
test.after(async () => {
  await sandbox.close();
  console.error = consoleError;
  process.off('unhandledRejection', onUnhandled);
});

const podLayers = (pod: string) => join(sandbox.stateDir, 'pods', 'lab', pod);
/** The container's current layer folder (its latest start). */
function layerOf(pod: string, container: string): string {
  const starts = readdirSync(podLayers(pod)).filter((name) => name.startsWith(`${container}.`));
  return join(podLayers(pod), starts.sort((x, y) => Number(x.split('.')[1]) - Number(y.split('.')[1])).at(-1)!);
}

test("a container's root handed to another container, and a folder in it swapped for a link as its layer goes, removes nothing of this machine", async () => {
  const outside = join(sandbox.scratch, 'victim');
  mkdirSync(outside);
  writeFileSync(join(outside, 'precious'), "this machine's file\n");
  const racer = buildRacer(sandbox.scratch);
  for (const container of ['a', 'b']) {
    assert.is((await sh(sandbox, 'apart', 'true', [], container)).code, 0);
    copyFileSync(racer, join(layerOf('apart', container), 'tmp', 'racer'));
    chmodSync(join(layerOf('apart', container), 'tmp', 'racer'), 0o755);
  }
  const layer = layerOf('apart', 'a');
  const socket = `octant-exec-test-${process.pid}`;
  const sender = await openExec(sandbox, { namespace: 'lab', pod: 'apart', container: 'a', command: ['/tmp/racer', 'send', socket, '/'] });
  await waitFor(() => /^holding$/m.test(sender.stdout()), "a's racer to hold its root", 10_000);
  const race = await openExec(sandbox, { namespace: 'lab', pod: 'apart', container: 'b', command: ['/tmp/racer', 'race', `@${socket}`, outside, 'precious'] });
  await waitFor(() => /^ready$/m.test(race.stdout()), `b's racer to take a's root and fill a folder in it (${race.stderr()})`, 20_000);
  assert.is((await sh(sandbox, 'apart', 'kill -KILL -1; sleep 5', [], 'a')).code, 137);
  await withTimeout(race.closed, 20_000, "b's racer to swap the folder as the layer goes");
  assert.match(race.stdout(), /^swapped$/m, race.stdout() + race.stderr());
  // the layer left its place at once; what stays of it (the link b made) stays aside, said on stderr
  await waitFor(() => !existsSync(layer) && (readdirSync(podLayers('apart')).every((name) => !name.startsWith('.removing-')) || said.some((line) => line.includes(layer))), "a's layer removal to end", 20_000);
  assert.is(readFileSync(join(outside, 'precious'), 'utf8'), "this machine's file\n", 'this machine\'s file stays');
  for (const line of said.filter((text) => text.includes(layer))) {
    assert.match(line, /^octant-exec sandbox: the files in \S+ could not all be removed \(.+\): what is left of them is in \S+\/\.removing-\w+\. The sandbox tries again when pod apart is deleted$/);
  }
  assert.ok(sandbox.deletePod('lab', 'apart'));
  await waitFor(() => !existsSync(podLayers('apart')), 'every layer to go with the pod', 20_000);
  assert.equal(readdirSync(outside), ['precious']);
  assert.equal(unhandled, []);
});

test('a tree deeper than PATH_MAX left by a container that ended goes with its layer, and the sandbox goes on', async () => {
  const dir = 'dddddddddddddddddddddddddddddddddddddddddddddddddd';
  // bash: dash's cd gives up past PATH_MAX
  const made = await run(sandbox, 'victim', ['bash', '-c', `cd /tmp && for i in $(seq 120); do mkdir ${dir} && cd ${dir} || exit 1; done; pwd | wc -c`]);
  assert.ok(Number(made.stdout.trim()) > 4096, made.stdout + made.stderr);
  const layer = layerOf('victim', 'main');
  assert.is((await sh(sandbox, 'victim', 'kill -KILL -1; sleep 5')).code, 137);
  await waitFor(() => !existsSync(layer) && readdirSync(podLayers('victim')).every((name) => !name.startsWith('.removing-')), 'the ended container\'s layer to go', 20_000);
  assert.equal(unhandled, [], 'nothing thrown where nothing catches it');
  assert.equal(said.filter((line) => line.includes(layer)), [], 'nothing left to say');
  const again = await withTimeout(sh(sandbox, 'victim', 'ls /tmp; echo "ls=$?"'), 20_000, 'an exec into the restarted container');
  assert.match(again.stdout, /^ls=0$/m, 'the sandbox goes on, the container fresh');
  assert.not.match(again.stdout, /ddd/);
});

test.run();
