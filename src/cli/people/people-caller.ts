// Who the command speaks for, as GET /info says, asked before anything is done: offboarding is for
// an admin of a team mode, whose mode (proxy or not) also decides what a sign-out did; and show's
// lists give anyone else only their own, where a list of nothing must mean that the person runs
// nothing. The server decides all the same (its 404 to anyone but an admin).
import type { ServerInfo, SignedIn } from '../../protocol/index.ts';
import { callServerJson, ServerError, serverText, type ServerAccess } from '../server/server-client.ts';

export async function adminCaller(access: ServerAccess): Promise<SignedIn> {
  const { signedIn } = await callServerJson<ServerInfo>(access, 'GET', '/api/v1/info');
  if (!signedIn) throw new ServerError('this server runs in local mode: one person, no admins, nobody to offboard');
  if (!signedIn.admin) throw new ServerError(`you are signed in as ${serverText(String(signedIn.user))}, who is not an admin (a member of an --admin-group): only an admin may sign people out, end what they run or list it (the server shows you only your own)`);
  return signedIn;
}
