// kubectl (pflag) takes a short flag's value after "=" too: `kubectl exec -c=nginx web`,
// `-n=batch`, `kubectl get pods -l=app=worker`. The terminal commands and batch take the same
// command lines, so they read these as the value after the "=", not a name starting with "=".
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { parseFlags } from '../../src/cli/flags.ts';
import { execSpec } from '../../src/cli/terminal/exec-spec.ts';
import { batchSpec } from '../../src/cli/batch/batch-spec.ts';
import { runCli } from '../support/cli.ts';

const test = suite('-f=VALUE, as kubectl takes it');

test('exec -c=NAME -n=NS and batch -l=SELECTOR: the value after the "="', () => {
  const exec = parseFlags(execSpec, ['-c=nginx', '-n=batch', 'web', '--', 'true']);
  assert.equal([exec.values.container, exec.values.namespace], ['nginx', 'batch']);
  const batch = parseFlags(batchSpec, ['-l=app=worker', '-n=batch', '--', 'id']);
  assert.equal([batch.values.selector, batch.values.namespace], ['app=worker', 'batch']);
  assert.is(parseFlags(execSpec, ['-cnginx', 'web']).values.container, 'nginx', '-fVALUE as before');
});

test('on the command line: -c=NAME is no usage error; -c= alone still needs a value', async () => {
  const env = { OCTANT_EXEC_URL: 'http://127.0.0.1:1/', OCTANT_EXEC_TOKEN: 't' };
  const [equals, empty] = await Promise.all([runCli(['exec', '-c=nginx', 'web', '--', 'true'], 30_000, { env }), runCli(['exec', '-c=', 'web'], 30_000, { env })]);
  // past the flags, to the server (none there)
  assert.is(equals.code, 1, equals.stderr);
  assert.match(equals.stderr, /cannot reach the octant-exec server/);
  assert.is(empty.code, 2, empty.stderr);
  assert.match(empty.stderr, /-c needs a value/);
});

test.run();
