// A batch: one command in many containers at once, each result kept apart.
import type { Person } from './person.ts';
import type { ExecTarget } from './target.ts';

export interface BatchAction {
  argv: string[];
  requestedBy: string;
  /** team mode: the person it is done for (see ExecAction) */
  person?: Person;
  /** at most this many execs at once */
  concurrency: number;
  /** each exec is ended after this long, if set */
  timeoutMs?: number;
}

/** A target that was not run, and why (its container is not running, say). */
export interface SkippedTarget {
  target: ExecTarget;
  reason: string;
}

export const defaultBatchConcurrency = 8;
