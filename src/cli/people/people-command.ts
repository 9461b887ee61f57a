// `octant-exec people sign-out|end|show USER`: an admin's offboarding through a running server
// (docs/team-mode.md, "Offboarding"), the routes POST /api/v1/people/USER/sign-out and /end, and
// the session and batch lists every admin reads. The server decides who may: anyone but an admin
// of a team mode gets its 404, said with what to check.
import process from 'node:process';
import { nameProblem } from '../../server/auth/person-names.ts';
import type { ParsedArgs } from '../flags.ts';
import { ServerError, TOKEN_ADVICE, type ServerAccess } from '../server/server-client.ts';
import { UsageError } from '../usage.ts';
import { peopleAccess } from './people-access.ts';
import { endPerson, signOutPerson, type PeopleAction } from './people-actions.ts';
import { showPerson } from './people-show.ts';
import type { peopleSpec } from './people-spec.ts';

const actions: Record<keyof typeof peopleSpec.subcommands, PeopleAction> = { 'sign-out': signOutPerson, end: endPerson, show: showPerson };

export async function peopleCommand({ values, subcommand, operands }: ParsedArgs<typeof peopleSpec>): Promise<number> {
  const name = subcommand as keyof typeof actions;
  const [user, ...more] = operands;
  if (user === undefined) throw new UsageError(`whom? give the person's name: octant-exec people ${name} USER`);
  if (more.length) throw new UsageError(`people ${name} takes one USER, not "${operands.join(' ').slice(0, 60)}": one person at a time`);
  // the server's own check of a name (a 400), said before anything is sent, in the command line's words
  const problem = nameProblem(user);
  if (problem) throw new UsageError(`USER ${problem}: give the name as octant-exec shows it (the Sessions and Audit pages)`);
  const access = peopleAccess(values);
  const program = `octant-exec people ${name}`;
  try {
    return await actions[name](access, user, !!values.json, program);
  } catch (error) {
    if (!(error instanceof ServerError)) throw error;
    process.stderr.write(`${program}: ${error.message}${advice(error, access)}\n`);
    return 1;
  }
}

/** What to check, for the refusals a command line meets that the server words for a page. */
function advice(error: ServerError, access: ServerAccess): string {
  if (error.status === 404) return ' Only an admin of a team mode (a member of an --admin-group) may: check that the server runs in a team mode and that your token or cookie is an admin\'s.';
  if (error.status !== 401 || error.message.endsWith(TOKEN_ADVICE)) return '';
  if (access.cookie) return ' Then put the new session cookie in --cookie-file.';
  return ' For the command line: in the kube-token and oidc modes give your session cookie with --cookie-file; in proxy mode --server is the proxy\'s address (octant-exec people --help).';
}
