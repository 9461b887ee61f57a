// `octant-exec sign-in --browser`: the person, signed in on the page (or signing in there now),
// allows this command line, as native apps sign in through a browser (RFC 8252, with PKCE). The
// page sends the browser back to a listener of ours on 127.0.0.1 with a one-time code, which only
// the verifier kept in this process turns into a session (POST /auth/command-line/token:
// docs/api.md). No token of the person's crosses here.
//
// The page's address carries the challenge, which must stay the person's: whoever has it can allow
// it in their own browser and hand this command line a session of theirs. So it is printed to this
// terminal and opened through a file of the user's alone (browser-opener.ts), never given to
// another process as an argument (every user of the machine may read those). The listener takes
// only a code made for our challenge: anything else (a page of some site, another user's process)
// is answered and waited past. Over ssh the browser's machine is not this one: the address the
// browser ends on may be pasted here instead.
import { Buffer } from 'node:buffer';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import process from 'node:process';
import { createInterface } from 'node:readline';
import { shownCode } from '../../protocol/http.ts';
import { openBrowser } from '../browser-opener.ts';
import { callServerJson, ServerError } from '../server/server-client.ts';

/** What the person has to find the page, allow, and perhaps sign in first. */
const WAIT_MS = 5 * 60_000;
/** Room for a code carrying a hundred long group names in the request line (Node's default is 16 KiB). */
const MAX_HEADER_BYTES = 80 * 1024;

export interface HandoffOptions {
  /** a line for the person (the URL to open, the code to compare) */
  tell(line: string): void;
  /** a folder of the user's alone, for the file that opens the page */
  dir: string;
}

/** The server's answer for the session the person allowed (as the token exchange's). */
export async function browserHandoff(url: URL, options: HandoffOptions): Promise<unknown> {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const listener = await codeListener(challenge);
  const pasted = pastedCodes(challenge, listener.take);
  let forgetFile = () => {};
  try {
    const page = new URL('/auth/command-line', url);
    page.search = new URLSearchParams({ port: String(listener.port), challenge }).toString();
    options.tell(`Open ${page.href} in a browser on this machine where you are signed in to ${url.origin} (or sign in there), and allow the command line if the page shows the code ${shownCode(challenge)}.`);
    options.tell('(A browser on another machine, as over ssh, cannot reach this one: paste here the address it ends on after Allow.)');
    forgetFile = openBrowser(page.href, options.dir, () => {}); // no opener, or none that works: the address is printed
    const code = await listener.code;
    return await callServerJson<unknown>({ url, token: '' }, 'POST', '/auth/command-line/token', {}, { code, verifier });
  } finally {
    forgetFile();
    pasted.close();
    listener.close();
  }
}

/** Whether `code` is one the server made for `challenge`: read, not trusted (the server checks it, with the verifier). */
function madeFor(code: string, challenge: string): boolean {
  const parts = code.split('.');
  if (parts.length !== 3 || !/^[A-Za-z0-9_-]{1,65536}$/.test(parts[1])) return false;
  try {
    return (JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as { challenge?: unknown } | null)?.challenge === challenge;
  } catch {
    return false;
  }
}

interface CodeListener {
  port: number;
  /** the code made for our challenge, or a ServerError when none came in time */
  code: Promise<string>;
  /** takes a code from elsewhere (pasted); whether it was one for us */
  take(code: string): boolean;
  close(): void;
}

/** A listener on loopback for the request that brings our code. */
async function codeListener(challenge: string): Promise<CodeListener> {
  let took: (code: string) => void = () => {};
  let gaveUp: (error: Error) => void = () => {};
  const code = new Promise<string>((resolve, reject) => {
    took = resolve;
    gaveUp = reject;
  });
  const take = (given: string) => madeFor(given, challenge) && (took(given), true);
  const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES }, (req, res) => answer(req, res, port, take));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const port = (server.address() as AddressInfo).port;
  const timer = setTimeout(() => gaveUp(new ServerError(`no browser allowed the command line within ${WAIT_MS / 60_000} minutes: run \`octant-exec sign-in --browser\` again`)), WAIT_MS);
  return {
    port,
    code,
    take,
    close: () => {
      clearTimeout(timer);
      server.close();
      server.closeAllConnections();
    },
  };
}

function answer(req: IncomingMessage, res: ServerResponse, port: number, take: (code: string) => boolean): void {
  const reply = (status: number, text: string) => {
    res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer', 'Content-Security-Policy': "default-src 'none'", Connection: 'close' });
    res.end(`<!doctype html><meta charset="utf-8"><title>octant-exec</title><p>${text}</p>\n`);
  };
  // the browser names us as it was sent here; any other name is a page of some site resolving to us (DNS rebinding)
  const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
  if (req.method !== 'GET' || req.headers.host !== `127.0.0.1:${port}` || url.pathname !== '/') return reply(404, 'Not found.');
  if (!take(url.searchParams.get('code') ?? '')) return reply(400, 'This is not the answer this octant-exec command line waits for: it goes on waiting for its own.');
  reply(200, 'The octant-exec command line has the browser\'s answer: the terminal says whether it is signed in. You may close this tab.');
}

/** Lines pasted on stdin: the address the browser ended on, taken as the listener takes it. */
function pastedCodes(challenge: string, take: (code: string) => boolean): { close(): void } {
  const lines = createInterface({ input: process.stdin, terminal: false });
  lines.on('line', (line) => {
    const code = /[?&]code=([A-Za-z0-9._~-]+)/.exec(line)?.[1];
    if (code && !take(code)) process.stderr.write(`that address holds no code for this command line (its code is ${shownCode(challenge)}): paste the one the browser ends on after Allow\n`);
  });
  lines.on('error', () => {}); // no stdin to read: the listener alone
  return {
    close: () => {
      lines.close();
      process.stdin.destroy(); // nothing more is read: the command ends without waiting for stdin's end
    },
  };
}
