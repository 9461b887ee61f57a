// `exec POD COMMAND` without the `--`, as kubectl once took it (kubectl 1.33: "exec [POD]
// [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead"): the line says
// where the command goes, not that there is one pod too many, and an option of the command
// (`ls -l`) is not answered with the nearest option of exec (-c) as if that were meant.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { runCli } from '../support/cli.ts';

const test = suite('a command without --');
const env = { OCTANT_EXEC_URL: 'http://127.0.0.1:1/', OCTANT_EXEC_TOKEN: 't' };

test('exec web ls, exec web ls -l, batch web id -u: exit 2, the command shown after --', async () => {
  const [word, option, batch] = await Promise.all([
    runCli(['exec', 'web', 'cat', '/etc/hostname'], 30_000, { env }),
    runCli(['exec', 'web', 'ls', '-l'], 30_000, { env }),
    runCli(['batch', 'web', 'id', '-u'], 30_000, { env }),
  ]);
  assert.is(word.code, 2, word.stderr);
  assert.is(word.stderr, 'octant-exec exec: a command goes after --, as kubectl takes it: octant-exec exec web -- cat /etc/hostname (see octant-exec exec --help)\n');
  for (const run of [option, batch]) {
    assert.is(run.code, 2, run.stderr);
    assert.match(run.stderr, /unknown option "-[lu]"[^\n]*: a command and its options go after -- \(/);
  }
  assert.not.match(option.stderr, /did you mean -c/, 'no flag of exec was meant');
});

test('attach and debug, which run no command: one pod, said as before', async () => {
  const attach = await runCli(['attach', 'web', 'console'], 30_000, { env });
  assert.is(attach.code, 2);
  assert.match(attach.stderr, /one pod, not 2 \("console"…\)/);
});

test.run();
