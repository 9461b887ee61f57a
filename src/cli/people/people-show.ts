// people show USER: what `people end` would end, read from the lists every admin reads (GET
// /sessions and /batches, everyone's for an admin), asked for USER's running rows alone
// (?user=USER&running=true). A server of an older build ignores that and answers every person's
// rows, ended ones included: so the rows are filtered here too, and the lists may be big.
import process from 'node:process';
import { isRunning, type BatchesReply, type SessionsReply } from '../../protocol/index.ts';
import { callServerJson, LIST_MAX_CHARS, serverText } from '../server/server-client.ts';
import { counted, print, type PeopleAction } from './people-actions.ts';

export const showPerson: PeopleAction = async ({ access, user, json }) => {
  const theirs = { user, running: 'true' };
  const [{ sessions }, { batches }] = await Promise.all([callServerJson<SessionsReply>(access, 'GET', '/api/v1/sessions', theirs, undefined, LIST_MAX_CHARS), callServerJson<BatchesReply>(access, 'GET', '/api/v1/batches', theirs, undefined, LIST_MAX_CHARS)]);
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
