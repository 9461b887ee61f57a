// Auto tries bash, then sh. A cluster says an executable is missing only after the exec's stream
// opened, so the bash attempt is attached (keys go to it) until it fails: what was typed into it
// never reached a program and must go to sh's attempt, first and in order, or a person's first
// keys into a bash-less container are lost. Only then: a program that has written more than the
// words a runtime says "not found" in ran, and a run that fails for good (or a restart) gets
// nothing of another run's keys.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { makeSystem, restartAndOpen, settle, shellIn } from '../support/system.ts';
import { MAX_HELD_INPUT } from '../../src/runtime/unanswered-input.ts';
import { TerminalIo } from '../../src/runtime/terminal-io.ts';
import type { ExecStream } from '../../src/adapters/exec.ts';

const test = suite('keys typed into an Auto attempt whose shell is missing', { deadlineMs: 20_000 });
const encode = (text: string) => new TextEncoder().encode(text);

/** An exec stream that keeps what it was given. */
class RecordingStream implements ExecStream {
  readonly written: string[] = [];
  write(data: Uint8Array): void {
    this.written.push(new TextDecoder().decode(data));
  }
  closeStdin(): void {}
  resize(): void {}
  pause(): void {}
  resume(): void {}
  close(): void {}
}

async function autoShell() {
  const made = makeSystem();
  const heard: string[] = [];
  made.system.io.listen({ input: (_id, data) => void heard.push(new TextDecoder().decode(data)) });
  made.system.exec(shellIn('alpine'), ['nginx']);
  await settle();
  return { ...made, heard };
}

test('go to the next shell\'s stream first, in order, and are heard once', async () => {
  const { system, adapter, heard } = await autoShell();
  const bash = adapter.last().open();
  await settle();
  assert.equal(bash.request.argv, ['bash']);
  assert.ok(system.io.input('t1', encode('echo ')));
  assert.ok(system.io.input('t1', encode('hi\r')));
  bash.fail('commandNotFound', 'exec: "bash": executable file not found in $PATH');
  await settle();
  const sh = adapter.last();
  assert.equal(sh.request.argv, ['sh']);
  assert.equal(sh.written, [], 'nothing before its stream opens');
  sh.open();
  await settle();
  system.io.input('t1', encode('pwd\r'));
  assert.is(sh.input, 'echo hi\rpwd\r');
  assert.equal(heard, ['echo ', 'hi\r', 'pwd\r'], 'the carried keys are not heard (recorded, shared) a second time');
  await system.shutdown();
});

test('keys and stdin\'s end that come after the missing shell\'s stream ended, before the next one opens, go to it too', async () => {
  const { system, adapter, heard } = await autoShell();
  const bash = adapter.last().open();
  await settle();
  assert.ok(system.io.input('t1', encode('echo ')));
  bash.fail('commandNotFound');
  assert.ok(system.io.input('t1', encode('hi')), 'kept for the next attempt, not refused as "not running"');
  await settle();
  assert.ok(system.io.input('t1', encode('\r')));
  assert.ok(system.io.closeStdin('t1'));
  const sh = adapter.last().open();
  await settle();
  assert.equal([sh.request.argv, sh.input, sh.stdinClosed], [['sh'], 'echo hi\r', true]);
  assert.equal(heard, ['echo ', 'hi', '\r'], 'each heard once, when typed');
  await system.shutdown();
});

test('between the attempts, past the bound (typed then or into the missing shell) or after stdin\'s end, more is refused (dropsInput), none of it reaching the next shell', async () => {
  for (const [overflow, inAttempt] of [[true, false], [true, true], [false, false]]) {
    const { system, adapter } = await autoShell();
    adapter.last().open();
    await settle();
    if (inAttempt) system.io.input('t1', new Uint8Array(MAX_HELD_INPUT + 1).fill(0x61));
    adapter.last().fail('commandNotFound');
    if (overflow && !inAttempt) assert.not.ok(system.io.input('t1', new Uint8Array(MAX_HELD_INPUT + 1).fill(0x61)), 'past the bound');
    if (!overflow) assert.ok(system.io.closeStdin('t1'));
    assert.not.ok(system.io.input('t1', encode('late\r')), 'refused');
    assert.ok(system.io.dropsInput('t1'), 'the data plane is told to refuse it, not hold it for the next shell');
    await settle();
    const sh = adapter.last().open();
    await settle();
    assert.equal([sh.input, sh.stdinClosed], ['', !overflow], overflow ? 'none of it (a part would be worse)' : 'the end, and nothing after it');
    assert.not.ok(system.io.dropsInput('t1'), 'the next shell takes keys again');
    await system.shutdown();
  }
});

test('a runtime that says "not found" in the output (Docker: then exit 126) still has them carried; a program past those words ran, and nothing is', async () => {
  const docker = await autoShell();
  const said = docker.adapter.last().open();
  await settle();
  docker.system.io.input('t1', encode('ls\r'));
  said.stdout('OCI runtime exec failed: exec failed: unable to start container process: exec: "bash": executable file not found in $PATH: unknown\r\n');
  said.fail('commandNotFound');
  await settle();
  assert.is(docker.adapter.last().open().input, 'ls\r');
  await docker.system.shutdown();

  const spoke = await autoShell();
  const bash = spoke.adapter.last().open();
  await settle();
  bash.stdout(`${'Welcome to this image\r\n'.repeat(30)}bash-5.2# `); // past 512 bytes: the words a missing command is said in
  await settle();
  spoke.system.io.input('t1', encode('exit\r'));
  bash.fail('commandNotFound', 'a program that ran cannot be missing; said anyway');
  await settle();
  assert.equal(spoke.adapter.last().open().written, []);
  await spoke.system.shutdown();
});

test('past the bound nothing is carried', async () => {
  const flood = await autoShell();
  const first = flood.adapter.last().open();
  await settle();
  flood.system.io.input('t1', new Uint8Array(MAX_HELD_INPUT).fill(0x61));
  flood.system.io.input('t1', encode('b'));
  first.fail('commandNotFound');
  await settle();
  flood.adapter.last().open();
  await settle();
  assert.equal(flood.adapter.last().written, [], 'a part of what was typed would be worse than none');
  await flood.system.shutdown();
});

test('piped input and its end go to the next shell (`echo id | octant-exec exec POD`)', async () => {
  const { system, adapter } = makeSystem();
  system.exec(shellIn('alpine', ['nginx'], { interactive: false }), ['nginx']);
  await settle();
  const bash = adapter.last().open();
  await settle();
  system.io.input('t1', encode('id\n'));
  assert.ok(system.io.closeStdin('t1'));
  bash.fail('commandNotFound');
  await settle();
  const sh = adapter.last().open();
  await settle();
  assert.equal([sh.request.argv, sh.input, sh.stdinClosed], [['sh'], 'id\n', true]);
  await system.shutdown();
});

test('keys carried for a run never reach another run, and a run that ends drops them', () => {
  const io = new TerminalIo();
  const bash = new RecordingStream();
  io.attach('t1', 1, bash, () => {}, true);
  io.input('t1', encode('rm -rf ./build\r'));
  io.detach('t1', bash, true);
  const run2 = new RecordingStream();
  io.attach('t1', 2, run2, () => {}); // run 1 timed out before its next attempt; this is a restart
  assert.equal(run2.written, []);
  io.detach('t1', run2);

  const again = new RecordingStream();
  io.attach('t1', 3, again, () => {}, true);
  io.input('t1', encode('top\r'));
  io.detach('t1', again, true);
  io.runOver('t1'); // the session closed, or its run ended, before the next attempt opened
  const next = new RecordingStream();
  io.attach('t1', 3, next, () => {});
  assert.equal(next.written, []);
});

test('the last shell\'s failure, and a restart, carry nothing', async () => {
  const made = await autoShell();
  const { system, adapter } = made;
  adapter.last().open().fail('commandNotFound');
  await settle();
  const sh = adapter.last().open();
  await settle();
  system.io.input('t1', encode('ls\r'));
  sh.fail('commandNotFound');
  await settle();
  assert.is(system.sessionList.byId.t1.state, 'failed');
  const run2 = await restartAndOpen(made, 't1');
  assert.equal(run2.request.argv, ['bash']);
  assert.equal(run2.written, [], 'run 2 got none of run 1\'s keys');
  await system.shutdown();
});

test('a next attempt that never opens drops them', async () => {
  const made = await autoShell();
  const { system, adapter } = made;
  const bash = adapter.last().open();
  await settle();
  system.io.input('t1', encode('top\r'));
  bash.fail('commandNotFound');
  await settle();
  adapter.last().fail('connection', 'the cluster went away');
  await settle();
  assert.equal((await restartAndOpen(made, 't1')).written, []);
  await system.shutdown();
});

test.run();
