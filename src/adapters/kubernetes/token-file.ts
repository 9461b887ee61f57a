// A bearer token kept in a file, read again whenever the file changes: a kubeconfig user's
// `tokenFile` (kubectl's field, or client-node's `token-file`) and --in-cluster's service account
// token. Such files are rewritten in place: the kubelet rotates a projected token about hourly (by
// swapping the folder's ..data link), so every request looks at the file and reads it again when
// it has changed since the last read, and none goes out with an old token. client-node reads a
// kubeconfig's `token-file` once, at load, trailing newline and all (which Node refuses in a
// header); its own in-cluster config re-reads only every 60 s.
import type { Authenticator } from '@kubernetes/client-node/dist/auth.js';
import type { User } from '@kubernetes/client-node/dist/config_types.js';
import { readFileSync, statSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';

/** The kubeconfig user's auth-provider name that a TokenFile serves (not client-node's `tokenFile` provider, which it would take first). */
const PROVIDER = 'octant-exec-token-file';

/** The sentences for a file that cannot be used, naming it and what to do. */
export interface TokenFileProblems {
  /** `why`: the error's code (ENOENT, EACCES) */
  unreadable(why: string): string;
  empty: string;
}

export class TokenFile {
  #token = '';
  /** identity of the file last read: a kubelet swap (new inode) or a rewrite (mtime, size) changes it */
  #read = '';

  constructor(
    readonly path: string,
    private readonly problems: TokenFileProblems,
  ) {}

  /** The token as the file has it now; read again only when the file changed. */
  async current(): Promise<string> {
    let stamp: string;
    let text: string;
    try {
      stamp = fileStamp(await stat(this.path));
      if (stamp === this.#read) return this.#token;
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      throw this.#unreadable(error);
    }
    return this.#remember(text, stamp);
  }

  /** At start: read it once, synchronously; throws as current() does. */
  readNow(): string {
    let stamp: string;
    let text: string;
    try {
      stamp = fileStamp(statSync(this.path));
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      throw this.#unreadable(error);
    }
    return this.#remember(text, stamp);
  }

  #unreadable(error: unknown): Error {
    return new Error(this.problems.unreadable((error as { code?: string }).code ?? String(error)));
  }

  #remember(text: string, stamp: string): string {
    // blanks around it are not part of it: client-go trims too, and a newline cannot go in a header
    const token = text.trim();
    // Not kept: a file caught half-written fails this request, and the next one reads it again.
    if (!token) throw new Error(this.problems.empty);
    this.#token = token;
    this.#read = stamp;
    return token;
  }
}

function fileStamp(stats: { ino: number; size: number; mtimeMs: number; ctimeMs: number }): string {
  return `${stats.ino}:${stats.size}:${stats.mtimeMs}:${stats.ctimeMs}`;
}

/** A kubeconfig user's `authProvider` whose requests carry `file`'s token (config.path says which file, for anyone reading the user). */
export function tokenFileProvider(file: TokenFile): { name: string; config: { path: string }; file: TokenFile } {
  return { name: PROVIDER, config: { path: file.path }, file };
}

/** client-node's Authenticator for users given a tokenFileProvider: the file's current token as a bearer, on every request. */
export const tokenFileAuthenticator: Authenticator = {
  isAuthProvider: (user: User) => user.authProvider?.name === PROVIDER && user.authProvider.file instanceof TokenFile,
  async applyAuthentication(user, options) {
    // client-node has made the headers an object by now (applyAuthorizationHeader)
    const request = options as { headers?: Record<string, unknown> };
    (request.headers ??= {}).Authorization = `Bearer ${await (user.authProvider.file as TokenFile).current()}`;
  },
};
