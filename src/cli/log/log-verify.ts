// `octant-exec log verify`: every line of every segment (JSON, numbered, the shape of its type), the
// entries the log should still hold, and every snapshot checked, each problem listed with its file;
// exit 1 when anything is damaged. Files that are not part of the log are named but are not damage.
import { damagePlace } from '../../events/log-entry.ts';
import { usableSnapshots } from '../../runtime/snapshot-choice.ts';
import type { LogOptions } from './log-command.ts';
import { Stdout } from '../stdout-lines.ts';

export async function verifyCommand({ store, warnings }: LogOptions): Promise<number> {
  const problems: string[] = [];
  let entries = 0;
  let damagedSince = 0;
  let last = 0;
  const through = store.compactedThrough();
  for (const entry of store.read(0, (d) => void (damagedSince++, problems.push(`${damagePlace(d)}: ${d.problem}`)))) {
    entries++;
    // Compaction removes entries up to `through` only: one missing after it was lost (a segment
    // emptied by a crash, or removed) with no damaged line to show for it, unless one was listed.
    const from = Math.max(last, through) + 1;
    const lost = entry.seq - 1 === from ? `entry ${from} is` : `entries ${from} to ${entry.seq - 1} are`;
    if (entry.seq > from && damagedSince === 0) problems.push(`${lost} missing: the log was ${through ? `compacted only through seq ${through}` : 'never compacted'}, so they were lost (a segment emptied or removed)`);
    [last, damagedSince] = [entry.seq, 0];
  }
  const snapshots = store.snapshots();
  const usable = [...usableSnapshots(store, (message) => problems.push(message))];
  if (through > 0 && !usable.some((snapshot) => snapshot.seq >= through)) {
    problems.push(`the log was compacted through seq ${through}, and no usable snapshot covers it: a server would not start (restore the snapshots from a backup)`);
  }
  const out = new Stdout();
  for (const line of [...warnings.map((warning) => `note: ${warning}`), ...problems]) {
    await out.write(`${line}\n`);
    if (out.gone) return problems.length ? 1 : 0; // `log verify | head`: the reader left; the verdict stands (a pipefail sees it)
  }
  const summary = `${entries.toLocaleString('en-US')} entries, ${usable.length} of ${snapshots.length} snapshots usable`;
  if (problems.length === 0) {
    await out.write(`event log ok: ${summary}\n`);
    return 0;
  }
  await out.write(`event log damaged: ${problems.length} problem${problems.length === 1 ? '' : 's'} (${summary}). Damaged lines and snapshots are skipped on reading; everything else is used.\n`);
  return 1;
}
