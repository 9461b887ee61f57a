// The sessions `octant-exec sign-in` got from team-mode servers, kept for the client commands that
// follow, as a browser keeps its cookie: one file per server origin in the state directory's
// sign-ins/ folder, each 0600 and written whole (a second command never reads half of one). The
// session cookie is a credential like the token: never printed, never an argument. So the folder
// must be this user's own and closed to others (one of theirs, or a link planted in it, would hand
// the cookie to them), and a file there that is not a sign-in this user kept is left out, said.
// A sign-in past its end is as none: the server would refuse it, and saying so names what to do.
import { randomBytes } from 'node:crypto';
import { chmodSync, lstatSync, renameSync, rmSync, writeFileSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import type { CommandLineSession } from '../../protocol/http.ts';
import { makeFolders } from '../make-folders.ts';
import { defaultStateDir } from '../state-dir.ts';
import { UsageError } from '../usage.ts';
import { SESSION_COOKIE } from './credential-shapes.ts';
import { readSecretFile, type Warn } from './secret-file.ts';

/** A session the server gave the command line, kept with the server's origin (https://exec.example.com). */
export interface KeptSignIn extends CommandLineSession {
  server: string;
}

type Env = Record<string, string | undefined>;

/** The folder of the kept sign-ins (under $XDG_STATE_HOME, or ~/.local/state). */
export function signInsDir(env: Env = process.env): string {
  return join(defaultStateDir(env), 'sign-ins');
}

/** One file per origin; the origin encoded whole, so two servers never share a file. */
function fileOf(server: string, env: Env): string {
  return join(signInsDir(env), `${encodeURIComponent(server)}.json`);
}

/** Whether this user owns it (no owners to check on Windows: its ACLs decide). */
function ours(stats: Stats): boolean {
  return typeof process.getuid !== 'function' || stats.uid === process.getuid();
}

export type Kept = { signIn: KeptSignIn } | { ended: KeptSignIn } | undefined;

/** The sign-in kept for `server` (an origin): in force, ended (its time is past), or none. */
export function keptSignIn(server: string, env: Env, warn: Warn, now = Date.now()): Kept {
  const file = fileOf(server, env);
  let stats: Stats;
  try {
    stats = lstatSync(file);
  } catch {
    return undefined;
  }
  const leftOut = (why: string) => void warn(`octant-exec: warning: ${file} ${why}: it is left out (remove it, and run \`octant-exec sign-in --server ${server}\`)`);
  if (!stats.isFile() || !ours(stats)) return leftOut(stats.isFile() ? "is another user's" : 'is not a plain file');
  let text: string;
  try {
    text = readSecretFile(file, 'the kept sign-in', warn);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    return leftOut(`cannot be read (${error.message})`);
  }
  const signIn = parsed(text);
  if (!signIn || signIn.server !== server) return leftOut('is not a sign-in this command kept');
  return Date.parse(signIn.expiresAt) > now ? { signIn } : { ended: signIn };
}

/**
 * The folder, made (0700) and checked: this user's own, closed to others (a folder of ours that is
 * not is closed). Done before a sign-in is asked for: a session the server made and this machine
 * cannot keep would hold one of the person's places there for hours.
 */
export function signInsFolder(env: Env): string {
  const dir = signInsDir(env);
  try {
    makeFolders(dir, 0o700);
  } catch (error) {
    throw new UsageError(`the folder ${dir} for sign-ins cannot be made (${(error as Error).message}): set $XDG_STATE_HOME to a folder of yours`);
  }
  const stats = lstatSync(dir);
  if (!stats.isDirectory() || !ours(stats)) throw new UsageError(`${dir} is not a folder of this user's: sign-ins are kept only in one of your own (move it away, or set $XDG_STATE_HOME)`);
  if (process.platform !== 'win32' && stats.mode & 0o077) chmodSync(dir, 0o700);
  return dir;
}

/** Keeps `signIn` for its server, replacing the one kept before; returns the file. */
export function keepSignIn(signIn: KeptSignIn, env: Env): string {
  signInsFolder(env);
  const file = fileOf(signIn.server, env);
  // a name nobody could have made ready (a link to elsewhere), created here and nowhere else ('wx')
  const next = `${file}.${randomBytes(8).toString('hex')}.next`;
  writeFileSync(next, `${JSON.stringify(signIn)}\n`, { mode: 0o600, flag: 'wx' });
  renameSync(next, file);
  return file;
}

/** Forgets the sign-in kept for `server`; whether there was one. */
export function forgetSignIn(server: string, env: Env): boolean {
  const file = fileOf(server, env);
  try {
    lstatSync(file);
  } catch {
    return false;
  }
  rmSync(file, { force: true });
  return true;
}

/** A time as toISOString writes it, and nothing else (Date.parse takes far more, comments in brackets among it). */
export function isIsoTime(text: unknown): text is string {
  if (typeof text !== 'string') return false;
  const time = new Date(text);
  return Number.isFinite(time.getTime()) && time.toISOString() === text;
}

/** `value`'s session, if it is one as a server gives it (its fields alone), else undefined: the server's answer, or a kept file, is not trusted. */
export function commandLineSession(value: unknown): CommandLineSession | undefined {
  const { cookie, user, groups, admin, expiresAt } = (value ?? {}) as Partial<CommandLineSession>;
  const ok = typeof cookie === 'string' && SESSION_COOKIE.test(cookie) && typeof user === 'string' && Array.isArray(groups) && groups.every((group) => typeof group === 'string') && typeof admin === 'boolean' && isIsoTime(expiresAt);
  return ok ? { cookie, user, groups, admin, expiresAt } : undefined;
}

function parsed(text: string): KeptSignIn | undefined {
  try {
    const value = JSON.parse(text) as Partial<KeptSignIn>;
    const session = commandLineSession(value);
    return session && typeof value.server === 'string' ? { server: value.server, ...session } : undefined;
  } catch {
    return undefined;
  }
}
