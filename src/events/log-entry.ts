// One line of the event log: a fact, numbered and stamped.
import type { Fact } from '../machines/facts.ts';

export type LogEntry = Fact & {
  /** 1, 2, 3…: position in the log, never reused */
  seq: number;
  /** ms since the epoch, from the system's clock */
  time: number;
};

/** Something wrong found while reading a log: the entries around it are kept. */
export interface LogDamage {
  line: number;
  problem: string;
}
