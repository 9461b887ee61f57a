// A connection taken out of a pg pool for several queries in a row (a transaction, a migration, a
// recording read). While it is out the pool does not listen for its errors, and pg emits 'error'
// on a connection the server ends (a fast shutdown, a failover, a killed backend): with no
// listener that is an uncaught exception, and the replica would die with the database it was
// built to outlive. The error is kept instead (the query in flight rejects with it anyway), and
// a connection that had one is destroyed on release rather than given back.
import type { Pool, PoolClient } from 'pg';

export interface CheckedOut {
  client: PoolClient;
  /** gives it back (destroyed when it broke, or when `broken` says so) */
  release(broken?: Error): void;
}

export async function checkOut(pool: Pool): Promise<CheckedOut> {
  const client = await pool.connect();
  let lost: Error | undefined;
  const onError = (error: Error) => (lost ??= error);
  client.on('error', onError);
  return {
    client,
    release(broken) {
      client.off('error', onError);
      client.release(broken ?? lost);
    },
  };
}
