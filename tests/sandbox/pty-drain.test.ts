// A TTY exec must deliver the last bytes a process writes right before it exits: node-pty has
// been seen dropping them, and a prompt or summary line lost at exit is a visible bug.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { startTestSandbox } from '../support/sandbox.ts';
import { openExec } from '../support/sandbox-exec-client.ts';

const sandbox = await startTestSandbox();
test.after(() => sandbox.close());

async function ttyExec(command: string[]): Promise<string> {
  const session = await openExec(sandbox, { pod: 'web', container: 'nginx', command, stdin: true, tty: true, stderr: false });
  session.send(4, '{"Width":80,"Height":24}');
  await session.closed;
  assert.equal(session.status(), { metadata: {}, status: 'Success' });
  return session.stdout();
}

/** `runs` checks, a few at a time: exits that overlap are the busy case the drain must survive. */
async function inWaves(runs: number, check: (i: number) => Promise<void>): Promise<void> {
  const WAVE = 4;
  for (let start = 0; start < runs; start += WAVE) {
    await Promise.all(Array.from({ length: Math.min(WAVE, runs - start) }, (_, k) => check(start + k)));
  }
}

test('the final output right before exit always arrives (100 runs)', async () => {
  await inWaves(100, async (i) => {
    const output = await ttyExec(['printf', `end-marker-${i}`]);
    assert.is(output, `end-marker-${i}`, `run ${i}`);
  });
});

test('a burst of output followed by exit arrives whole (20 runs)', async () => {
  await inWaves(20, async (i) => {
    const output = await ttyExec(['sh', '-c', `seq 1 5000; printf 'end-marker-${i}'`]);
    assert.ok(output.startsWith('1\r\n2\r\n'), `run ${i} start`);
    assert.ok(output.endsWith(`5000\r\nend-marker-${i}`), `run ${i} end: ${JSON.stringify(output.slice(-40))}`);
  });
});

test.run();
