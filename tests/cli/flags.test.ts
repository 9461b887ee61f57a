// The one flag parser every command uses: the forms it takes, the one wording of its refusals
// (with the nearest valid spelling), the help it makes from a spec, and the defaults the help
// states, held to the code's.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { parseFlags, type CommandSpec } from '../../src/cli/flags.ts';
import { columns, renderHelp } from '../../src/cli/help.ts';
import { editDistance, nearest } from '../../src/cli/nearest.ts';
import { UsageError } from '../../src/cli/usage.ts';
import { commands } from '../../src/cli/commands.ts';
import { serveSpec } from '../../src/cli/serve/serve-spec.ts';
import { logSpec } from '../../src/cli/log/log-spec.ts';
import { DEFAULT_PORT } from '../../src/server/app.ts';
import { DEFAULT_SNAPSHOT_POLICY } from '../../src/runtime/exec-system.ts';
import { DEFAULT_RETENTION } from '../../src/runtime/log-upkeep.ts';
import { defaultSupervisorConfig } from '../../src/machines/supervisor.ts';
import { DEFAULT_MAX_ENDED_PER_PERSON, DEFAULT_MAX_LIVE_SESSIONS_PER_PERSON } from '../../src/domain/live-sessions.ts';
import { DEFAULT_RECORDING } from '../../src/recording/recording-policy.ts';
import { RECORD_MODES } from '../../src/protocol/http.ts';
import { CLUSTER_KEEPALIVE_DEFAULT_MS, KEEPALIVE_MAX_MS, PAGE_KEEPALIVE_DEFAULT_MS } from '../../src/server/keepalive.ts';
import { HUB_DEFAULTS } from '../../src/server/hub-options.ts';
import { EXEC_TRANSPORT_CHOICES } from '../../src/adapters/kubernetes/exec-transport-choice.ts';
import { batchSpec } from '../../src/cli/batch/batch-spec.ts';

const test = suite('flags');

const spec = {
  name: 'demo',
  usage: 'octant-exec demo [options] -- COMMAND',
  summary: 'a demo',
  operands: 'pod',
  commandAfterDashes: true,
  flags: {
    namespace: { type: 'string', short: 'n', value: 'NS', help: 'the namespace' },
    'all-containers': { type: 'boolean', help: 'every container' },
    tag: { type: 'string', multiple: true, help: 'repeatable' },
  },
} as const satisfies CommandSpec;

const refusal = (args: string[], s: CommandSpec = spec) => {
  try {
    parseFlags(s, args);
  } catch (error) {
    assert.instance(error, UsageError);
    return (error as Error).message;
  }
  assert.unreachable(`accepted ${args.join(' ')}`);
  return '';
};

test('takes --flag VALUE, --flag=VALUE, -f VALUE, -fVALUE, repeats, and keeps what follows -- apart', () => {
  const parsed = parseFlags(spec, ['-n', 'a', 'pod1', '--tag=x', '--all-containers', '--tag', 'y', 'pod2', '--', 'sh', '-c', 'echo --namespace']);
  assert.equal(parsed.values, { namespace: 'a', tag: ['x', 'y'], 'all-containers': true });
  assert.equal(parsed.operands, ['pod1', 'pod2']);
  assert.equal(parsed.command, ['sh', '-c', 'echo --namespace']);
  assert.is(parseFlags(spec, ['-nb']).values.namespace, 'b');
  assert.is(parseFlags(spec, ['--namespace=--odd']).values.namespace, '--odd', 'a value that starts with -- goes with =');
  assert.ok(parseFlags(spec, ['-h']).values.help, 'every command takes -h and --help');
});

test('refusals: one line each, saying what is wrong, with the nearest valid spelling when there is one', () => {
  assert.is(refusal(['--namepsace', 'x']), 'unknown option "--namepsace" (did you mean --namespace?)');
  const flagsOnly = { name: 'flags-only', usage: 'octant-exec flags-only [options]', summary: 'no operands', flags: {} } as const satisfies CommandSpec;
  assert.is(refusal(['web'], flagsOnly), 'unexpected "web": this command takes only flags', 'a word it does not take is refused, not ignored');
  assert.is(refusal(['--all-container']), 'unknown option "--all-container" (did you mean --all-containers?)');
  assert.is(refusal(['--frobnicate']), 'unknown option "--frobnicate"');
  assert.is(refusal(['-x']), 'unknown option "-x" (did you mean -n?)');
  assert.is(refusal(['--namespace']), '--namespace needs a value');
  assert.is(refusal(['-n']), '-n needs a value');
  assert.is(refusal(['--namespace', '--all-containers']), '--namespace needs a value');
  assert.is(refusal(['--namespace=']), '--namespace needs a value');
  assert.is(refusal(['--all-containers=yes']), '--all-containers takes no value');
  for (const args of [['--x'.repeat(100)], ['--namespace']]) assert.not.match(refusal(args), /\n/);
});

test("a boolean flag takes =true and =false, as kubectl's (pflag's) do, long or short; any other value is refused", () => {
  const withShort = { ...spec, flags: { ...spec.flags, tty: { type: 'boolean', short: 't', help: 'a terminal' } } } as const satisfies CommandSpec;
  assert.equal(parseFlags(spec, ['--all-containers=false']).values, { 'all-containers': false });
  assert.equal(parseFlags(spec, ['--all-containers=true']).values, { 'all-containers': true });
  assert.equal(parseFlags(withShort, ['-t=false', 'web']).values, { tty: false });
  assert.equal(parseFlags(withShort, ['-t=true', 'web']).values, { tty: true });
  assert.equal(parseFlags(withShort, ['-t', '--', 'echo', '-t=false']).command, ['echo', '-t=false'], 'after --, the command\'s words as they are');
  assert.is(refusal(['--all-containers=1']), '--all-containers takes no value');
  assert.is(parseFlags(spec, ['-n=false']).values.namespace, 'false', "a string flag's value is its own");
});

test('-- is told apart from no --, for a command that runs one: `exec web --` with nothing after it is no request for a shell', () => {
  assert.equal([parseFlags(spec, ['web', '--']).dashes, parseFlags(spec, ['web', '--']).command], [true, []]);
  assert.is(parseFlags(spec, ['web']).dashes, false);
});

test('batch takes -o for --output, as kubectl does', () => {
  assert.is(parseFlags(batchSpec, ['-o', 'json', '-l', 'app=x', '--', 'id']).values.output, 'json');
  assert.is(parseFlags(batchSpec, ['-ojson', '-l', 'app=x', '--', 'id']).values.output, 'json');
  assert.match(renderHelp(batchSpec), /^ {2}-o, --output MODE {2,}prefixed/m);
});

test('subcommands: a missing or unknown one is refused with the list, and the nearest', () => {
  assert.is(parseFlags(logSpec, ['stats', '--json']).subcommand, 'stats');
  assert.is(refusal([], logSpec), 'which command? stats, verify, compact or export');
  assert.is(refusal(['stat'], logSpec), 'unknown command "stat" (did you mean stats?): use stats, verify, compact or export');
  assert.is(refusal(['frobnicate'], logSpec), 'unknown command "frobnicate": use stats, verify, compact or export');
  assert.ok(parseFlags(logSpec, ['--help']).values.help, '--help needs no subcommand');
});

test('nearest: close typos only; swaps of two neighbours count once', () => {
  assert.is(editDistance('batch', 'bacth'), 1);
  assert.is(editDistance('', 'abc'), 3);
  assert.is(nearest('bach', ['serve', 'batch', 'sandbox']), 'batch');
  assert.is(nearest('sandbx', ['serve', 'batch', 'sandbox']), 'sandbox');
  assert.is(nearest('kubectl', ['serve', 'batch', 'sandbox']), undefined);
});

test('help: the usage line, the flags under their headings with their values, continuation lines aligned', () => {
  const text = renderHelp(batchSpec);
  assert.ok(text.startsWith('Usage: octant-exec batch [options] (-l SELECTOR | POD...) -- COMMAND [ARGS...]\n'));
  for (const heading of ['Targets:', 'Running:', 'Cluster:', 'Options:']) assert.ok(text.includes(`\n${heading}\n`), heading);
  assert.match(text, /^ {2}-n, --namespace NS {2,}namespace of the pods/m);
  assert.match(text, /^ {6}--all-containers {2,}every regular container and native sidecar of each pod\n {2,}\(not init or debug containers\)$/m);
  assert.match(text, /^ {2}-h, --help {2,}this text$/m);
  assert.match(renderHelp(serveSpec), /^ {2}--port N {2,}port on the host/m, 'no room kept for short forms when only --help has one');
  assert.match(renderHelp(serveSpec), /^ {2}--help {2,}this text$/m);
  const output = text.split('\n');
  const first = output.findIndex((line) => line.includes('--output MODE'));
  assert.is(output[first + 1].search(/\S/), output[first].indexOf('prefixed'), 'a continuation line starts under the first');
  for (const command of Object.values(commands)) {
    for (const line of renderHelp(command.spec).split('\n')) assert.ok(line.length <= 96, `${command.spec.name}: ${line}`);
  }
  // the top help's list of commands, as main.ts lays it out
  const list = columns(Object.values(commands).map(({ spec }) => [spec.name, spec.summary]));
  for (const line of list.split('\n')) assert.ok(line.length <= 96, `the list of commands: ${line}`);
});

test("the defaults the help states are the code's", () => {
  const said = (flag: keyof typeof serveSpec.flags) => serveSpec.flags[flag].help;
  assert.match(said('port'), `(default ${DEFAULT_PORT};`);
  assert.match(said('retain'), `(default ${DEFAULT_RETENTION.days};`);
  assert.match(said('retain-audit'), `(default ${DEFAULT_RETENTION.auditDays}: keep)`);
  assert.match(logSpec.flags.retain.help, `(default ${DEFAULT_RETENTION.days};`);
  assert.match(said('snapshot-every'), `(default ${DEFAULT_SNAPSHOT_POLICY.everyEntries})`);
  assert.match(said('snapshot-interval'), `(default ${DEFAULT_SNAPSHOT_POLICY.everyMs / 1000})`);
  assert.match(said('idle-timeout'), `(default ${defaultSupervisorConfig.idleTimeoutMs / 1000})`);
  assert.match(said('max-sessions'), `(default ${defaultSupervisorConfig.maxLiveSessions})`);
  assert.match(said('max-sessions-per-person'), `(default ${DEFAULT_MAX_LIVE_SESSIONS_PER_PERSON},`);
  assert.match(said('max-ended-per-person'), `(default ${DEFAULT_MAX_ENDED_PER_PERSON})`);
  assert.match(said('scrollback'), `(default ${HUB_DEFAULTS.scrollbackBytes})`);
  assert.match(said('ended-scrollback'), `(default ${HUB_DEFAULTS.endedScrollbackBytes})`);
  assert.match(said('keepalive'), `(1 to ${KEEPALIVE_MAX_MS / 1000}; default ${PAGE_KEEPALIVE_DEFAULT_MS / 1000} to the page, ${CLUSTER_KEEPALIVE_DEFAULT_MS / 1000} to the cluster)`);
  assert.match(said('record-max-bytes'), `(default ${DEFAULT_RECORDING.maxBytes})`);
  assert.match(said('record'), `${DEFAULT_RECORDING.mode} (default`);
  assert.equal(serveSpec.flags.record.completes, RECORD_MODES);
  assert.equal(serveSpec.flags['exec-transport'].completes, EXEC_TRANSPORT_CHOICES);
  assert.equal(batchSpec.flags['exec-transport'].completes, EXEC_TRANSPORT_CHOICES);
});

test.run();
