// `octant-exec log verify`: every line of every segment (JSON, numbered, the shape of its type) and
// every snapshot checked, each problem listed with its file; exit 1 when anything is damaged. Files
// that are not part of the log are named but are not damage.
import { damagePlace } from '../../events/log-entry.ts';
import { usableSnapshots } from '../../runtime/snapshot-choice.ts';
import type { LogOptions } from './log-command.ts';
import { Stdout } from '../stdout-lines.ts';

export async function verifyCommand({ store, warnings }: LogOptions): Promise<number> {
  const problems: string[] = [];
  let entries = 0;
  for (const _entry of store.read(0, (d) => problems.push(`${damagePlace(d)}: ${d.problem}`))) entries++;
  const snapshots = store.snapshots();
  const usable = [...usableSnapshots(store, (message) => problems.push(message))];
  const through = store.compactedThrough();
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
