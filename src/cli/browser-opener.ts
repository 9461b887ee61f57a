// Opening a URL in the person's browser: through xdg-open (Linux) or open (macOS) when one is on
// the PATH, started apart and let go. Like Jupyter, it opens a small redirect file (readable by
// this user only) rather than the URL itself: the URL never shows in another process's arguments
// (the opener's, the browser's), which every user of the machine may read, and the URLs opened
// here carry what others must not have (local mode's token; the command line's sign-in challenge).
// The file goes once the browser has surely read it, and at the latest when the caller is done.
import { spawn } from 'node:child_process';
import { accessSync, constants, rmSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import process from 'node:process';

/** How long the redirect file is kept for the browser to read. */
const REDIRECT_KEPT_MS = 60_000;
const REDIRECT = 'open.html';

/**
 * Removes the redirect file from `dir`, at a start too (a command killed within the minute leaves
 * it). Quietly: what cannot be removed stays in the folder, the user's alone.
 */
export function removeRedirect(dir: string): void {
  try {
    rmSync(join(dir, REDIRECT), { force: true });
  } catch {
    // left, as said
  }
}

/** Opens `url` through a redirect file in `dir` (a folder of this user's alone); `say` gets a problem, as "…: open the URL yourself". Returns what removes the file. */
export function openBrowser(url: string, dir: string, say: (problem: string) => void): () => void {
  const file = join(dir, REDIRECT);
  const wroteNothing = () => {};
  const opener = ['xdg-open', 'open'].find(onPath);
  if (!opener) {
    say('found neither xdg-open nor open: open the URL yourself.');
    return wroteNothing;
  }
  const target = url.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  try {
    // A new file of this user's, never what was at the name: writing through a symbolic link planted
    // there would hand the URL to the link's target, and another user's file would keep its mode.
    rmSync(file, { force: true });
    writeFileSync(file, `<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${target}"><title>octant-exec</title><p>Opening octant-exec…</p>\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // what the URL is for goes on (a server runs, a sign-in waits, the URL printed): only the browser is lost
    say(`could not write ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): open the URL yourself.`);
    return wroteNothing;
  }
  const child = spawn(opener, [file], { stdio: 'ignore', detached: true });
  child.on('error', () => say(`could not run ${opener}: open the URL yourself.`));
  child.unref();
  const read = setTimeout(() => removeRedirect(dir), REDIRECT_KEPT_MS);
  read.unref();
  return () => {
    clearTimeout(read);
    removeRedirect(dir);
  };
}

function onPath(name: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}
