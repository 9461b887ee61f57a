// A test that hangs fails with its name and what it was waiting for, its hooks run, and the
// run goes on: the fixture runs in its own process with deadlines scaled down to 90 ms.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import process from 'node:process';
import { withTimeout } from '../support/wait.ts';

const fixture = new URL('./fixtures/hanging-tests.ts', import.meta.url).pathname;
const deno = (globalThis as { Deno?: { execPath(): string } }).Deno;

test('a hung test fails with its name and its wait; the next test still runs', async () => {
  const [file, pre] = deno ? [deno.execPath(), ['run', '-A', fixture]] : [process.execPath, ['--import', 'tsx', fixture]];
  const child = spawn(file, [...pre], { env: { ...process.env, TEST_DEADLINE_SCALE: '0.001', FORCE_COLOR: '0', NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await withTimeout(new Promise<number | null>((resolve) => child.on('close', resolve)), 60_000, 'the hanging fixture to finish');
  const plain = output.replace(/\x1b\[[0-9;]*m/g, '');
  assert.is.not(code, 0, plain);
  assert.match(plain, /"hanging › waits for a door that never opens" still running after its deadline of 0\.09 s, waiting for the door to open \(waitFor, 3600000 ms\)/);
  assert.match(plain, /"hanging › awaits a promise that never settles" still running after its deadline of 0\.09 s, not in a waitFor or withTimeout/);
  assert.match(plain, /third test ran/);
  assert.match(plain, /Passed:\s+1/);
});

test.run();
