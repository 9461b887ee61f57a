// One transaction on a pooled connection. A connection whose ROLLBACK fails, or that the server
// ended mid-transaction, is broken: it is destroyed rather than given back to the pool.
import type { Pool, PoolClient } from 'pg';
import { checkOut } from './checked-out.ts';

export async function withTransaction<T>(pool: Pool, body: (client: PoolClient) => Promise<T>): Promise<T> {
  const { client, release } = await checkOut(pool);
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
    release(broken);
  }
}
