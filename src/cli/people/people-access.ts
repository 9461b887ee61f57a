// How `people` reaches the server as an admin: the token, as every client command (local mode, or
// proxy mode through a proxy that takes bearer tokens), or, for the kube-token and oidc modes,
// which take none, the admin's own session cookie from --cookie-file. The cookie is a credential
// like the token: read from a file, never an argument, never printed.
import { readSecretFile, warnOnStderr } from '../server/secret-file.ts';
import { serverAccess, serverUrl, type ServerAccess } from '../server/server-client.ts';
import { UsageError } from '../usage.ts';

export interface AccessFlags {
  server?: string;
  'token-file'?: string;
  'cookie-file'?: string;
}

/** A cookie name (RFC 6265's token) and a value without blanks, quotes, commas, semicolons or backslashes. */
const COOKIE = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+=[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]{1,8192}$/;

export function peopleAccess(flags: AccessFlags): ServerAccess {
  const file = flags['cookie-file'];
  if (file === undefined) return serverAccess(flags);
  if (flags['token-file'] !== undefined) throw new UsageError('give --cookie-file or --token-file, not both: the server takes one of them');
  const text = readSecretFile(file, '--cookie-file', warnOnStderr);
  // what the browser shows as the cookie's name and value, joined: the value alone would leave the name (with __Host- or without) to a guess
  if (!COOKIE.test(text)) throw new UsageError('--cookie-file must hold one cookie as NAME=VALUE (octant_exec_session=…, or __Host-octant_exec_session=… over https), on one line');
  return { url: serverUrl(flags), token: '', cookie: text };
}
