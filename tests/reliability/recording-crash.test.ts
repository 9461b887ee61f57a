// A recording survives the server being killed (SIGKILL) mid-run: what the terminal printed more
// than the flush interval (1 s) before the kill is in the .cast the crash left, whole lines only
// (recording review: "a crash loses at most the last second", end to end).
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCli } from '../support/cli.ts';
import { waitFor, withTimeout } from '../support/wait.ts';
import { StreamClient, openExec, type TestApp } from '../server/support.ts';

test('SIGKILL mid-run: the recording holds everything printed up to a second before', async () => {
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
    await new Promise((resolve) => setTimeout(resolve, 1500));
    // what the terminal had printed 1.2 s before the kill: the recording must have it
    const printed = new TextDecoder().decode(client.bytes(id));
    const lastTick = Number([...printed.matchAll(/tick-(\d+)-end/g)].at(-1)![1]);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    cli.child.kill('SIGKILL');
    await withTimeout(cli.exit, 10_000, 'the server to die');
    await client.close().catch(() => undefined);

    const [name] = readdirSync(join(stateDir, 'recordings'));
    assert.match(name, /\.cast$/, 'left uncompressed by the crash');
    const text = readFileSync(join(stateDir, 'recordings', name), 'utf8');
    const lines = text.split('\n');
    assert.is(lines.at(-1), '', 'whole lines only');
    const output = lines.slice(1, -1).map((line) => JSON.parse(line)).filter((e) => e[1] === 'o').map((e) => e[2]).join('');
    assert.ok(output.includes(`tick-${lastTick}-end`), `tick ${lastTick} (printed 1.2 s before the kill) is in the recording; its last: ${[...output.matchAll(/tick-(\d+)-end/g)].at(-1)?.[1]}`);
  } finally {
    if (cli.child.exitCode === null) cli.child.kill('SIGKILL');
    rmSync(stateDir, { recursive: true, force: true });
  }
});

test.run();
