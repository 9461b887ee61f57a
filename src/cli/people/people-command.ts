// `octant-exec people sign-out|end|show USER`: an admin's offboarding through a running server
// (docs/team-mode.md, "Offboarding"), the routes POST /api/v1/people/USER/sign-out and /end, and
// the session and batch lists every admin reads. Who the caller is (GET /info) is asked first: an
// admin of a team mode, or the sentence that says who they are instead. With --json, stdout holds
// one JSON object whatever happens past the usage checks: the answer, or the refusal.
import process from 'node:process';
import { nameProblem } from '../../server/auth/person-names.ts';
import type { SignedIn } from '../../protocol/index.ts';
import type { ParsedArgs } from '../flags.ts';
import { serverAccess } from '../server/server-access.ts';
import { ServerError, TOKEN_ADVICE, type ServerAccess } from '../server/server-client.ts';
import { UsageError } from '../usage.ts';
import { endPerson, print, signOutPerson, type PeopleAction } from './people-actions.ts';
import { adminCaller } from './people-caller.ts';
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
  // a URL resolves a . or .. step away (/people/../end is /end), encoded or not, and the server refuses one; show asks in a query
  if (name !== 'show' && (user === '.' || user === '..')) throw new UsageError(`USER "${user}" cannot be put in a URL's path: \`octant-exec people show ${user}\` lists what they run, for the page's End… (or POST /api/v1/sessions/ID/end) to end one at a time; no sign-out reaches them: take their access away at the identity provider (docs/team-mode.md, "Offboarding")`);
  const access = serverAccess(values);
  const program = `octant-exec people ${name}`;
  let caller: SignedIn | undefined;
  try {
    caller = await adminCaller(access);
    return await actions[name]({ access, user, json: !!values.json, program, caller });
  } catch (error) {
    if (!(error instanceof ServerError)) throw error;
    // the server's JSON refusal as it is; a sentence of ours (no answer) in the same shape
    if (values.json) print(error.answer ?? { error: { ...(error.status ? { status: error.status } : {}), message: error.message } });
    process.stderr.write(`${program}: ${error.message}${advice(error, access, caller !== undefined)}\n`);
    return 1;
  }
}

/** What to check, for the refusals a command line meets that the server words for a page. `admin`: GET /info said the caller is one. */
function advice(error: ServerError, access: ServerAccess, admin: boolean): string {
  // an admin's own route missing: a server from before `people`; /info missing: not octant-exec's address
  if (error.status === 404) return admin ? ' The server says you are an admin, so it is likely older than this command, without this route: upgrade it (meanwhile the page\'s End… ends one terminal at a time).' : ' Is --server the address of an octant-exec server (in proxy mode, of the proxy in front of it)?';
  if (error.status !== 401 || access.cookie || error.message.endsWith(TOKEN_ADVICE)) return '';
  return " For the command line: in the kube-token and oidc modes run `octant-exec sign-in --server URL` first (or give your session cookie with --cookie-file); in proxy mode --server is the proxy's address (octant-exec people --help).";
}
