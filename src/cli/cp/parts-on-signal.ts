// Ctrl-C or a kill while a download writes a part file (src/files/part-file.ts) ends the process
// before any `finally` could remove it: the part is removed here, so an interrupted copy leaves
// none behind, and DST as it was.
import { rmSync } from 'node:fs';
import process from 'node:process';
import { takingNow } from '../../files/part-file.ts';

/** Runs `body`; a SIGINT or SIGTERM meanwhile removes the part files in `parts` (those being written then) and exits 130 or 143. */
export async function removingPartsOnSignal<T>(parts: ReadonlySet<string>, body: () => Promise<T>): Promise<T> {
  // one listener each: Deno gives a listener no signal name
  const [interrupted, terminated] = [130, 143].map((code) => () => {
    for (const part of [...parts, ...takingNow]) rmSync(part, { force: true });
    process.exit(code);
  });
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', terminated);
  try {
    return await body();
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', terminated);
  }
}
