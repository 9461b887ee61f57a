// How a client command calls a running octant-exec server (which one, and as whom:
// server-access.ts): a token sent as a bearer token, or a team mode's session cookie sent as the
// browser sends it. Answers that are errors become the server's own sentence.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { SIGN_IN_PATH } from '../../server/auth/auth-paths.ts';
import type { KeptSignIn } from './kept-sign-ins.ts';

export interface ServerAccess {
  url: URL;
  token: string;
  /** a team mode's session cookie (`NAME=VALUE`), sent instead of the token: kube-token and oidc take no bearer token */
  cookie?: string;
  /** where the cookie came from: `octant-exec sign-in` (this sign-in), or --cookie-file */
  signIn?: KeptSignIn;
  /** how long a call waits for the answer to begin (ANSWER_WAIT_MS; 0: as long as the server takes) */
  answerWaitMs?: number;
}

/**
 * Longer than anything the server takes before it answers (it gives up on an exec the cluster has
 * not started in 30 s); a server that takes the connection and says nothing must not hold a
 * command (or a script that runs it) for good.
 */
const ANSWER_WAIT_MS = 60_000;

export class ServerError extends Error {
  /** the answer's HTTP status, when the server answered, and its JSON body (an answer that is an error may carry more: people end's 503) */
  constructor(message: string, readonly status?: number, readonly answer?: unknown) {
    super(message);
  }
}

/** One call; `body` is streamed (with backpressure). Resolves with the answer once its headers are in; error answers throw their sentence. */
export async function callServer(access: ServerAccess, method: 'GET' | 'HEAD' | 'POST', path: string, query: Record<string, string | undefined>, body?: { type: string; stream: Readable }, headers: Record<string, string> = {}): Promise<IncomingMessage> {
  const url = new URL(path, access.url);
  for (const [key, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(key, value);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const credential = access.cookie ? { Cookie: access.cookie } : access.token ? { Authorization: `Bearer ${access.token}` } : {};
  const req = send(url, { method, headers: { ...headers, ...credential, ...(body ? { 'Content-Type': body.type } : {}) } });
  const answer = new Promise<IncomingMessage>((resolve, reject) => {
    const waitMs = access.answerWaitMs ?? ANSWER_WAIT_MS;
    // 0: no wait of ours (an upload is answered once the container has taken it all, which may
    // stall a while: the server's own idle timeout ends that one, with a 504 that says so)
    if (waitMs > 0)
      req.setTimeout(waitMs, () => {
        reject(new ServerError(`the server at ${access.url.origin} took the connection and has said nothing for ${Math.round(waitMs / 1000)} s: is it an octant-exec server, and is it well?`));
        req.destroy();
      });
    req.once('response', (res) => {
      req.setTimeout(0); // from here, what the answer streams takes its own time (a big download)
      resolve(res);
    });
    // a connection closed without an answer (some runtimes report no error for it)
    req.once('close', () => reject(new ServerError(`the octant-exec server at ${access.url.origin} closed the connection without an answer: the request did not complete`)));
    req.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new ServerError(
          error.code === 'ECONNREFUSED' || error.code === 'ENOTFOUND'
            ? `cannot reach the octant-exec server at ${access.url.origin}: ${error.message}`
            : `the octant-exec server at ${access.url.origin} cut the connection (${error.message}): the request did not complete${path.startsWith('/api/v1/files/') ? ' (a container tar stream it cannot trust is stopped this way)' : ''}`,
        ),
      ),
    );
  });
  if (body) {
    // An early answer (an error before the body is read) ends the sending; the rest is not needed.
    const sending = pipeline(body.stream, req);
    sending.catch(() => {});
    await Promise.race([sending, answer]);
  }
  else req.end();
  const res = await answer;
  if (res.statusCode && res.statusCode >= 400) {
    const { sentence, answer } = await errorAnswer(res);
    // the rest of a refused body is not wanted: sending it on would hold the command (a GiB to a missing pod: seconds)
    req.destroy();
    throw new ServerError(`${sentence}${refusalAdvice(res, sentence, access)}`, res.statusCode, answer);
  }
  return res;
}

/** What the command line adds to a refusal of its credential, which the server words for a page. */
function refusalAdvice(res: IncomingMessage, sentence: string, access: ServerAccess): string {
  // The server's own refusal of a token (it says `WWW-Authenticate: Bearer`, as the page knows it)
  // speaks to a page ("open the URL it printed"): the command line's token comes from elsewhere. A
  // 401 without it is the cluster's refusal of the kubeconfig's credentials, passed on. A 429 with
  // it: wrong tokens sent too often (local-auth.ts), ours among them.
  const challenged = (res.statusCode === 401 || res.statusCode === 429) && /^bearer\b/i.test(res.headers['www-authenticate'] ?? '');
  // a kept sign-in sent to a local-mode server: another server at the address it was made with (a port-forward's, gone)
  if (challenged && access.signIn) return ` The sign-in kept for ${access.url.origin} (as ${serverText(access.signIn.user)}, with a team's server) was sent, and this server does not take it: it is another at the same address. \`octant-exec sign-out --server ${access.url.origin}\` forgets it; this server's token goes in --token-file.`;
  if (challenged) return ` ${TOKEN_ADVICE}`;
  // A team mode's refusal of a session names its sign-in page: the command line signs in its own way.
  if (res.statusCode === 401 && access.cookie !== undefined && sentence.includes(SIGN_IN_PATH)) return ` ${signInAdvice(access)}`;
  return '';
}

/** What the command line does when the server no longer takes its session cookie. */
function signInAdvice(access: ServerAccess): string {
  if (!access.signIn) return 'For the command line: sign in on the page again, and put the new session cookie in --cookie-file.';
  return `For the command line: run \`octant-exec sign-in --server ${access.url.origin}\` again (you were ${serverText(access.signIn.user)}).`;
}

/** What ends the sentence of the server's refusal of our token: where the command line's token comes from. */
export const TOKEN_ADVICE = "For the command line: the token is $OCTANT_EXEC_TOKEN or --token-file, the token of the server's --json line (or of its --token-file).";

/**
 * Far more than any JSON answer a client command asks for (a pod, an exec's ids, the info): the
 * bound is against a server that is not octant-exec (a file, a stream that never ends), not a limit
 * of octant-exec's own answers.
 */
const MAX_ANSWER_CHARS = 1024 * 1024;

/**
 * For a list that grows with a team's use (GET /sessions, /batches: an admin's hold every person's
 * rows, and a busy server's come to megabytes), when the server cannot be asked for less (one of an
 * older build ignores the filter, ?user=): what a machine holds in memory with ease, and a bound still.
 */
export const LIST_MAX_CHARS = 128 * 1024 * 1024;

/** A call with a JSON body (if any) whose answer is JSON: the answer, parsed. `maxChars`: the most it takes (MAX_ANSWER_CHARS, or LIST_MAX_CHARS). */
export async function callServerJson<T>(access: ServerAccess, method: 'GET' | 'POST', path: string, query: Record<string, string | undefined> = {}, body?: unknown, maxChars = MAX_ANSWER_CHARS): Promise<T> {
  const stream = body === undefined ? undefined : { type: 'application/json', stream: Readable.from([Buffer.from(JSON.stringify(body))]) };
  const res = await callServer(access, method, path, query, stream, { Accept: 'application/json' });
  // decoded as a whole stream: a character split between two chunks stays one character
  res.setEncoding('utf8');
  const chunks: string[] = [];
  let length = 0;
  for await (const chunk of res as AsyncIterable<string>) {
    chunks.push(chunk);
    length += chunk.length;
    if (length > maxChars) {
      res.destroy();
      throw new ServerError(`the server at ${access.url.origin} answered ${path} with more than ${maxChars} characters: is it an octant-exec server?`);
    }
  }
  const text = chunks.join('');
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ServerError(`the server at ${access.url.origin} answered ${path} with something that is not JSON: is it an octant-exec server?`);
  }
}

async function errorAnswer(res: IncomingMessage): Promise<{ sentence: string; answer?: unknown }> {
  res.setEncoding('utf8');
  let text = '';
  for await (const chunk of res as AsyncIterable<string>) if (text.length < 16_384) text += chunk;
  try {
    const answer: unknown = JSON.parse(text);
    const message = (answer as { error?: { message?: unknown } } | null)?.error?.message;
    if (typeof message === 'string') return { sentence: serverText(message), answer };
  } catch {
    // not the API's error shape: said below
  }
  return { sentence: `the server answered ${res.statusCode}` };
}

/** A sentence from the server as it may reach a terminal: bounded, no control characters (no escape sequence from a hostile server). */
export function serverText(text: string): string {
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
  return clean.length > 1000 ? `${clean.slice(0, 1000)}…` : clean;
}

