// --open: the URL in a browser, through xdg-open (Linux) or open (macOS) when one is on the PATH.
// Like Jupyter, it opens a small redirect file (readable by this user only) rather than the URL
// itself, so the token never shows in another process's arguments. The file goes once the browser
// has surely read it, and at the latest when the server stops: a copy of the token left in the
// state folder is one more place to find it. (A --token-file's token, which outlives the launch,
// is never handed over this way: the browser gets the bare URL, serve-command.ts.)
import process from 'node:process';
import { spawn } from 'node:child_process';
import { accessSync, constants, rmSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** How long the redirect file is kept for the browser to read. */
const REDIRECT_KEPT_MS = 60_000;
const REDIRECT = 'open.html';

/**
 * Removes the redirect file, at a start too (a server killed, or its terminal closed, within the
 * minute leaves it). Quietly: what cannot be removed stays in the state folder, the user's alone,
 * and a running server must not stop over it.
 */
export function removeRedirect(stateDir: string): void {
  try {
    rmSync(join(stateDir, REDIRECT), { force: true });
  } catch {
    // left, as said
  }
}

/** Opens `url`; returns what removes the redirect file it wrote (at the server's stop). */
export function openBrowser(url: string, stateDir: string): () => void {
  const file = join(stateDir, REDIRECT);
  const wroteNothing = () => {};
  const opener = ['xdg-open', 'open'].find((name) =>
    (process.env.PATH ?? '').split(delimiter).some((dir) => {
      try {
        accessSync(join(dir, name), constants.X_OK);
        return true;
      } catch {
        return false;
      }
    }),
  );
  if (!opener) {
    console.error('octant-exec: --open found neither xdg-open nor open: open the URL yourself.');
    return wroteNothing;
  }
  const target = url.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  try {
    // A new file of this user's, never what was at the name: writing through a symbolic link planted
    // there would hand the token to the link's target, and another user's file would keep its mode.
    rmSync(file, { force: true });
    writeFileSync(file, `<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${target}"><title>octant-exec</title><p>Opening octant-exec…</p>\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // the server is up and its URL printed: only the browser is lost, never the running server
    console.error(`octant-exec: --open could not write ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): open the URL yourself.`);
    return wroteNothing;
  }
  const child = spawn(opener, [file], { stdio: 'ignore', detached: true });
  child.on('error', () => console.error(`octant-exec: ${opener} failed: open the URL yourself.`));
  child.unref();
  const read = setTimeout(() => removeRedirect(stateDir), REDIRECT_KEPT_MS);
  read.unref();
  return () => {
    clearTimeout(read);
    removeRedirect(stateDir);
  };
}
