// The "a command and its options go after --" line (7c0204d) is given for every unknown option
// after the pod, when there is no --. kubectl's users put exec's own flags after the pod
// (`kubectl exec web -c nginx`), and `octant-exec exec web --contianer nginx` (an interactive
// shell: no command, so no --) is a typo of exec's flag, not a command's option: it was answered
// "did you mean --container?", now it is told to put a command after --, which there is none of.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { parseFlags } from '../../src/cli/flags.ts';
import { execSpec } from '../../src/cli/terminal/exec-spec.ts';
import { batchSpec } from '../../src/cli/batch/batch-spec.ts';

const test = suite('a typo of a flag after the pod');

const messageOf = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  return '(no error)';
};

test('exec web --contianer nginx: did you mean --container, as before the pod', () => {
  const before = messageOf(() => parseFlags(execSpec, ['--contianer', 'nginx', 'web']));
  assert.match(before, /did you mean --container/);
  const after = messageOf(() => parseFlags(execSpec, ['web', '--contianer', 'nginx']));
  assert.match(after, /did you mean --container/, after);
});

test('batch web --namepsace default: did you mean --namespace', () => {
  const after = messageOf(() => parseFlags(batchSpec, ['web', '--namepsace', 'default']));
  assert.match(after, /did you mean --namespace/, after);
});

test.run();
