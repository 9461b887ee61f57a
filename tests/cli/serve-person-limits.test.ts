// The limits per person as serve flags (docs/api.md, docs/team-mode.md "Limits"): each checked,
// each refusal one line that says what to give instead.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { parseFlags } from '../../src/cli/flags.ts';
import { serveOptions } from '../../src/cli/serve/serve-options.ts';
import { serveSpec } from '../../src/cli/serve/serve-spec.ts';

const parsed = (args: string[]) => serveOptions(parseFlags(serveSpec, args).values, { HOME: '/h' }).options;
const team = ['--auth', 'kube-token'];
const refusal = (args: string[]) => {
  try {
    parsed(args);
  } catch (error) {
    return (error as Error).message;
  }
  return undefined;
};

test('the limits per person: given, or the server defaults them', () => {
  const given = parsed([...team, '--max-sessions', '20', '--max-sessions-per-person', '20', '--max-ended-per-person', '5']);
  assert.equal([given.maxSessions, given.maxSessionsPerPerson, given.maxEndedPerPerson], [20, 20, 5]);
  const none = parsed(team);
  assert.equal([none.maxSessionsPerPerson, none.maxEndedPerPerson], [undefined, undefined], "the server's defaults (16, at most --max-sessions; 200)");
  assert.is(parsed(['--max-ended-per-person', '3']).maxEndedPerPerson, 3, "local mode's one person keeps a bounded number of ended terminals too");
});

test('refused, with a sentence: a cap per person in local mode, above --max-sessions, or not a whole number from 1', () => {
  assert.match(refusal(['--max-sessions-per-person', '4'])!, '--max-sessions-per-person is for a team mode');
  assert.is(refusal([...team, '--max-sessions', '8', '--max-sessions-per-person', '9']), '--max-sessions-per-person 9 is more than --max-sessions 8: give at most that');
  assert.match(refusal([...team, '--max-sessions-per-person', '65'])!, 'more than --max-sessions 64', 'the default --max-sessions holds too');
  for (const args of [[...team, '--max-sessions-per-person', '0'], ['--max-ended-per-person', '0'], ['--max-ended-per-person', 'lots']]) {
    const said = refusal(args);
    assert.ok(said && !said.includes('\n'), args.join(' '));
  }
});

test.run();
