// Auto tries bash, then sh. A cluster says an executable is missing only after the exec's stream
// opened, so the bash attempt is attached (keys go to it) until it fails: what was typed into it
// never reached a program and must go to sh's attempt, first and in order, or a person's first
// keys into a bash-less container are lost. Only then: a program that has written runs, and a run
// that fails for good (or a restart) gets nothing of another attempt's keys.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { makeSystem, restartAndOpen, settle, shellIn } from '../support/system.ts';
import { MAX_HELD_INPUT } from '../../src/runtime/terminal-io.ts';

const test = suite('keys typed into an Auto attempt whose shell is missing', { deadlineMs: 20_000 });
const encode = (text: string) => new TextEncoder().encode(text);

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

test('nothing is carried once the attempt\'s program has written (it ran), or past the bound', async () => {
  const spoke = await autoShell();
  const bash = spoke.adapter.last().open();
  await settle();
  bash.stdout('bash-5.2# ');
  await settle();
  spoke.system.io.input('t1', encode('exit\r'));
  bash.fail('commandNotFound', 'a program that ran cannot be missing; said anyway');
  await settle();
  spoke.adapter.last().open();
  await settle();
  assert.equal(spoke.adapter.last().written, []);
  await spoke.system.shutdown();

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
