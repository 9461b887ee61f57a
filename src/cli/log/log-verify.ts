// `octant-exec log verify`: every line of every segment (JSON, numbered, the shape of its type), the
// entries the log should still hold, and every snapshot checked, each problem listed with its file;
// exit 1 when anything is damaged. Files that are not part of the log are named but are not damage.
import { damagePlace } from '../../events/log-entry.ts';
import { usableSnapshots } from '../../runtime/snapshot-choice.ts';
import type { LogOptions } from './log-command.ts';
import { Stdout } from '../stdout-lines.ts';

/** The entries a read of the whole log found missing with no damaged line to show for it (`log export` asks too). */
export class MissingEntries {
  #last = 0;
  #damagedSince = 0;
  readonly #gaps: { from: number; to: number }[] = [];

  /** A damaged line was skipped. */
  damaged(): void {
    this.#damagedSince++;
  }

  /** An entry was read, in the log's order. */
  read(seq: number): void {
    // a gap a damaged line explains is said once, by that line
    if (seq > this.#last + 1 && this.#damagedSince === 0) this.#gaps.push({ from: this.#last + 1, to: seq - 1 });
    [this.#last, this.#damagedSince] = [seq, 0];
  }

  /**
   * One sentence per run of entries lost, once the read is over. Compaction removes entries up to
   * `through` (the store's compactedThrough()) only: one missing after it was lost (a segment
   * emptied by a crash, or removed). Read it after the segments: a compaction (a server's hourly
   * one) writes how far it goes before it rewrites any, so this covers every rewrite the read saw.
   */
  problems(through: number): string[] {
    return this.#gaps.flatMap((gap) => {
      const from = Math.max(gap.from, through + 1);
      if (gap.to < from) return [];
      const lost = gap.to === from ? `entry ${from} is` : `entries ${from} to ${gap.to} are`;
      return [`${lost} missing: the log was ${through ? `compacted only through seq ${through}` : 'never compacted'}, so they were lost (a segment emptied or removed)`];
    });
  }
}

export async function verifyCommand({ store, warnings }: LogOptions): Promise<number> {
  const problems: string[] = [];
  let entries = 0;
  const missing = new MissingEntries();
  for (const entry of store.read(0, (d) => void (missing.damaged(), problems.push(`${damagePlace(d)}: ${d.problem}`)))) {
    entries++;
    missing.read(entry.seq);
  }
  const through = store.compactedThrough();
  problems.push(...missing.problems(through));
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
