// One transaction on a pooled connection. A connection whose ROLLBACK fails is broken (the server
// went away mid-transaction): it is destroyed rather than given back to the pool.
import type { Pool, PoolClient } from 'pg';

export async function withTransaction<T>(pool: Pool, body: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await body(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch((rollback: Error) => (broken = rollback));
    throw error;
  } finally {
    client.release(broken);
  }
}
