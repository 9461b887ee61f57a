// A recording survives the server being killed (SIGKILL) mid-run: the recorder writes what a
// running terminal prints by itself (every second, CAST_FLUSH_MS), and what it wrote is in the
// .cast the crash left, whole lines only (recording review: "a crash loses at most the last
// second", end to end). The interval itself is cast-writer.test.ts's, not timed here: on a busy
// machine the server's timer and disk can be late by more than any margin this test could allow.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCli } from '../support/cli.ts';
import { killAndRemove } from '../support/killed-state-dir.ts';
import { waitFor, withTimeout } from '../support/wait.ts';
import { StreamClient, openExec, type TestApp } from '../server/support.ts';

test('SIGKILL mid-run: the recording keeps what the running terminal printed and the recorder wrote, whole lines only', async () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'octant-exec-recording-crash-'));
  const cli = startCli(['--sandbox', '--json', '--port', '0', '--state-dir', stateDir, '--record', 'all']);
  try {
    await waitFor(() => cli.stdout.length > 0 || cli.child.exitCode !== null, 'the ready line', 60_000);
    const ready = JSON.parse(cli.stdout[0]);
    const app = { port: ready.port, token: ready.token, host: `127.0.0.1:${ready.port}`, origin: `http://127.0.0.1:${ready.port}` } as unknown as TestApp;
    const [id] = await openExec(app, { namespace: 'default', pod: 'web', containers: ['nginx'], command: { shell: 'sh' } });
    const client = await StreamClient.open(app);
    await client.attach(id);
    await client.waitForText(id, /[#$] $/);
    client.type(id, 'i=0; while true; do i=$((i+1)); echo tick-$i-end; sleep 0.1; done\r');
    await client.waitForText(id, /tick-5-end/);
    // a tick the terminal printed, on the disk while the loop runs on: written without any close
    const printed = new TextDecoder().decode(client.bytes(id));
    const lastTick = Number([...printed.matchAll(/tick-(\d+)-end/g)].at(-1)![1]);
    const recordings = join(stateDir, 'recordings');
    const cast = () => (existsSync(recordings) ? readdirSync(recordings) : []).map((name) => readFileSync(join(recordings, name), 'utf8')).join('');
    await waitFor(() => cast().includes(`tick-${lastTick}-end`), `tick ${lastTick} in the recording on the disk while the terminal runs`, 15_000);
    cli.child.kill('SIGKILL');
    await withTimeout(cli.exit, 10_000, 'the server to die');
    await client.close().catch(() => undefined);

    const [name] = readdirSync(join(stateDir, 'recordings'));
    assert.match(name, /\.cast$/, 'left uncompressed by the crash');
    const text = readFileSync(join(stateDir, 'recordings', name), 'utf8');
    const lines = text.split('\n');
    assert.is(lines.at(-1), '', 'whole lines only');
    const output = lines.slice(1, -1).map((line) => JSON.parse(line)).filter((e) => e[1] === 'o').map((e) => e[2]).join('');
    assert.ok(output.includes(`tick-${lastTick}-end`), `tick ${lastTick} (on the disk before the kill) is in the recording; its last: ${[...output.matchAll(/tick-(\d+)-end/g)].at(-1)?.[1]}`);
  } finally {
    await killAndRemove([cli], stateDir);
  }
});

test.run();
