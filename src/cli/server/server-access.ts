// Which server a client command calls, and as whom. The URL from --server or $OCTANT_EXEC_URL; the
// credential, the first of: --token-file (local mode's token, or a proxy's bearer token);
// --cookie-file (a team mode's session cookie, copied from a browser); the sign-in kept for that
// server by `octant-exec sign-in`; $OCTANT_EXEC_TOKEN. The kept sign-in comes before the variable:
// it was made for this very server, where a token exported for a local server would be sent to
// whichever server --server names. Credentials come from files and the environment, never
// arguments (other users can read a process's arguments).
import process from 'node:process';
import { UsageError } from '../usage.ts';
import { COOKIE } from './credential-shapes.ts';
import { keptSignIn } from './kept-sign-ins.ts';
import { readSecretFile, warnOnStderr, type Warn } from './secret-file.ts';
import { serverText, type ServerAccess } from './server-client.ts';

export interface AccessFlags {
  server?: string;
  'token-file'?: string;
  'cookie-file'?: string;
}

const HOW = 'start one with `octant-exec --json` and set OCTANT_EXEC_URL and OCTANT_EXEC_TOKEN from its url and token';

export function serverAccess(flags: AccessFlags, env: Record<string, string | undefined> = process.env, warn: Warn = warnOnStderr): ServerAccess {
  const url = serverUrl(flags, env);
  if (flags['token-file'] !== undefined && flags['cookie-file'] !== undefined) throw new UsageError('give --cookie-file or --token-file, not both: the server takes one of them');
  if (flags['token-file'] !== undefined) return { url, token: readSecretFile(flags['token-file'], '--token-file', warn) };
  if (flags['cookie-file'] !== undefined) return { url, token: '', cookie: cookieFrom(flags['cookie-file'], warn) };
  const kept = keptSignIn(url.origin, env, warn);
  if (kept && 'signIn' in kept) return { url, token: '', cookie: kept.signIn.cookie, signIn: kept.signIn };
  if (env.OCTANT_EXEC_TOKEN) return { url, token: env.OCTANT_EXEC_TOKEN };
  if (kept) throw new UsageError(`your sign-in to ${url.origin} (as ${serverText(kept.ended.user)}) ended at ${kept.ended.expiresAt}: run \`octant-exec sign-in --server ${url.origin}\` again`);
  throw new UsageError(`no credential for the server: for a team's server run \`octant-exec sign-in --server ${url.origin}\` first; for your own, give --token-file FILE or $OCTANT_EXEC_TOKEN (${HOW})`);
}

/** The server's URL, from --server or $OCTANT_EXEC_URL. */
export function serverUrl(flags: { server?: string }, env: Record<string, string | undefined> = process.env): URL {
  const where = flags.server ?? env.OCTANT_EXEC_URL;
  if (!where) throw new UsageError(`say which octant-exec server to use (--server URL or $OCTANT_EXEC_URL): ${HOW}`);
  let url: URL;
  try {
    url = new URL(where);
  } catch {
    throw new UsageError(`"${where.slice(0, 100)}" is not a URL: give the server's, e.g. http://127.0.0.1:7788/`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError('the server URL must be http:// or https://');
  return url;
}

/** --cookie-file's cookie: what the browser shows as the cookie's name and value, joined (the value alone would leave the name, with __Host- or without, to a guess). */
function cookieFrom(file: string, warn: Warn): string {
  const text = readSecretFile(file, '--cookie-file', warn);
  if (!COOKIE.test(text)) throw new UsageError('--cookie-file must hold one cookie as NAME=VALUE (octant_exec_session=…, or __Host-octant_exec_session=… over https), on one line');
  return text;
}
