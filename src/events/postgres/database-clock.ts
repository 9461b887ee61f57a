// The database's clock as a replica estimates it: the replicas' own clocks may be minutes apart,
// the database's is the one they share. Read with each heartbeat, the offset is taken at the
// middle of the round trip, so it is off by at most half of one (a millisecond or so).
// Time since that read is measured on a monotonic clock: the wall clock may step (NTP at boot, a
// VM resumed), and a step would move the shared clock with it until the next read, for a whole
// outage of the database when there is none.
import type { Pool } from 'pg';

/** ms since the epoch that never steps: the wall clock at the process's start, then monotonic time */
const steadyNow = (): number => performance.timeOrigin + performance.now();

export class DatabaseClock {
  #offset = 0;

  constructor(private readonly local: () => number = steadyNow) {}

  /** ms since the epoch on the database's clock, now */
  now(): number {
    return this.local() + this.#offset;
  }

  /** Reads the database's clock, and keeps how far it is from this one. */
  async read(pool: Pool): Promise<void> {
    const before = this.local();
    const { rows } = await pool.query<{ now: number }>('SELECT (extract(epoch from clock_timestamp()) * 1000)::float8 AS now');
    const after = this.local();
    this.#offset = rows[0].now - (before + after) / 2;
  }
}
