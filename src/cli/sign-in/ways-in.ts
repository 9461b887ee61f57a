// How a server lets the command line sign in, asked before anything is sent: GET /auth/sign-in
// asking for JSON (docs/api.md). A kube-token server takes a token or a browser's leave, an oidc
// one a browser's only; local and proxy mode answer how they are reached instead (a refusal).
import { COMMAND_LINE_WAYS, type CommandLineWay, type CommandLineWays } from '../../protocol/http.ts';
import { callServerJson, ServerError } from '../server/server-client.ts';

export async function waysIn(url: URL): Promise<CommandLineWay[]> {
  const answer = await callServerJson<Partial<Record<keyof CommandLineWays, unknown>>>({ url, token: '' }, 'GET', '/auth/sign-in');
  const ways = Array.isArray(answer?.commandLine) ? answer.commandLine.filter((way): way is CommandLineWay => COMMAND_LINE_WAYS.includes(way)) : [];
  if (!ways.length) throw new ServerError(`the server at ${url.origin} names no way for the command line to sign in: is it an octant-exec server in kube-token or oidc mode?`);
  return ways;
}
