// While the event log cannot be written, the page shows one more alert (a banner) and the server
// log says why, once when writing stops and once when it works again. A file log waits for room
// on the disk; a shared log waits for its database, and new execs wait with it.
import type { Alert, Alerts } from '../events/projections/alerts.ts';
import { RETRY_MS } from './log-writer.ts';

const words = {
  files: {
    down: (problem: string) => `The event log cannot be written (${problem}). Terminals keep running; what happens waits in memory and is written as soon as there is room: free some space where the state directory is.`,
    warn: (problem: string) => `the event log cannot be written (${problem}): terminals keep running; entries wait in memory and are tried again every ${RETRY_MS / 1000} s`,
    back: 'the event log is written again: every entry that waited is on the disk',
  },
  database: {
    down: (problem: string) => `The event log's database does not answer (${problem}). Running terminals go on, and what happens is written when it answers again; no new terminal can start until then.`,
    warn: (problem: string) => `the event log's database does not answer (${problem}): terminals keep running; entries wait in memory, new execs are refused`,
    back: "the event log's database answers again: every entry that waited is written",
  },
} as const;

export class StorageAlert {
  #alert: Alert | undefined;
  #shown: { from: Alerts; alert: Alert; shown: Alerts } | undefined;

  constructor(
    private readonly kind: keyof typeof words,
    private readonly warn: (message: string) => void,
    private readonly now: () => number,
  ) {}

  /** Writing stopped (with why), or works again (undefined). */
  report(problem: string | undefined): void {
    if (problem === undefined) {
      this.#alert = undefined;
      this.warn(words[this.kind].back);
      return;
    }
    this.#alert = { id: 0, sessionId: '', kind: 'storage', message: words[this.kind].down(problem), at: this.now() };
    this.warn(words[this.kind].warn(problem));
  }

  /** The log's alerts, and this one while it stands (the same object while neither changes). */
  shown(alerts: Alerts): Alerts {
    const alert = this.#alert;
    if (!alert) return alerts;
    if (this.#shown?.from !== alerts || this.#shown.alert !== alert) this.#shown = { from: alerts, alert, shown: { ...alerts, list: [...alerts.list, alert] } };
    return this.#shown.shown;
  }
}
