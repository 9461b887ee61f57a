// people show USER: what `people end` would end, read from the lists every admin reads (GET
// /sessions and /batches, everyone's for an admin; the API has no per-person filter, so the lists
// are filtered here). Anyone else is shown only their own, so the caller is checked first (GET
// /info): a list of nothing must mean that the person runs nothing.
import process from 'node:process';
import { isRunning, type BatchesReply, type ServerInfo, type SessionsReply } from '../../protocol/index.ts';
import { callServerJson, ServerError, serverText } from '../server/server-client.ts';
import { counted, print, type PeopleAction } from './people-actions.ts';

export const showPerson: PeopleAction = async (access, user, json) => {
  const { signedIn } = await callServerJson<ServerInfo>(access, 'GET', '/api/v1/info');
  if (!signedIn) throw new ServerError('this server runs in local mode: one person, no admins, nobody to offboard');
  if (!signedIn.admin) throw new ServerError(`you are signed in as ${serverText(signedIn.user)}, who is not an admin (a member of an --admin-group): the server lists only your own terminals`);
  const [{ sessions }, { batches }] = await Promise.all([callServerJson<SessionsReply>(access, 'GET', '/api/v1/sessions'), callServerJson<BatchesReply>(access, 'GET', '/api/v1/batches')]);
  const terminals = (sessions ?? []).filter((row) => row.person?.user === user && isRunning(row.state));
  const running = (batches ?? []).filter((batch) => batch.person?.user === user && batch.state === 'running');
  if (json) return print({ user, sessions: terminals, batches: running });
  if (!terminals.length && !running.length) {
    process.stdout.write(`${user} runs no terminal and no batch here\n`);
    return 0;
  }
  const lines = [
    `${user} runs ${counted(terminals.length, 'terminal')} and ${counted(running.length, 'batch')}:`,
    ...running.map((batch) => `  batch ${batch.batchId}  ${batch.argv.join(' ')}`),
    ...terminals.map(({ sessionId, state, target, label }) => `  ${sessionId}  ${state}  ${target.namespace}/${target.pod}/${target.container}  ${label}`),
  ];
  process.stdout.write(`${lines.map(serverText).join('\n')}\n`);
  return 0;
};
