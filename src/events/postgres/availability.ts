// Whether PostgreSQL answers, as the writer, the reader and the heartbeat find out: a change is
// told once (the first failure, the first success after), and while it does not answer, retries
// back off so that a store coming back is not met by a storm of reconnects.
import { describeStoreError } from './connection-errors.ts';

const FIRST_RETRY_MS = 100;
const LAST_RETRY_MS = 5_000;

export class Availability {
  readonly #url: string;
  #problem: string | undefined;
  #failures = 0;
  #tell: (problem: string | undefined) => void = () => {};
  #answeringSince = Date.now();

  constructor(url: string) {
    this.#url = url;
  }

  get available(): boolean {
    return this.#problem === undefined;
  }

  /** why it does not answer, while it does not */
  get problem(): string | undefined {
    return this.#problem;
  }

  /** since when (this process's clock) it has answered without a break: since the start, or the last outage's end */
  get answeringSince(): number {
    return this.#answeringSince;
  }

  /** from now on, changes go to `tell` */
  onChange(tell: (problem: string | undefined) => void): void {
    this.#tell = tell;
  }

  failed(error: unknown): void {
    this.#failures++;
    if (this.#problem !== undefined) return;
    this.#problem = describeStoreError(error, this.#url);
    this.#tell(this.#problem);
  }

  answered(): void {
    this.#failures = 0;
    if (this.#problem === undefined) return;
    this.#problem = undefined;
    this.#answeringSince = Date.now();
    this.#tell(undefined);
  }

  /** how long to wait before trying again after the failures so far */
  retryMs(): number {
    return Math.min(LAST_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, this.#failures - 1));
  }
}
