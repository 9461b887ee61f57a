// One connection at the byte level, for what fetch would hide or refuse: requests written as given
// (pipelined, oversized, not HTTP at all) and everything the server sent back, until it closed.
import { connect } from 'node:net';
import { withTimeout } from './wait.ts';

/** Writes `raw` on a new connection; resolves to all the server sent (as latin1, byte for byte) once it has closed the connection. */
export async function rawExchange(port: number, raw: string, timeoutMs = 10_000): Promise<string> {
  const socket = connect(port, '127.0.0.1');
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.on('error', () => {}); // a reset after what it sent: the close still comes, and what came before it is the answer
  const closed = new Promise((resolve) => socket.once('close', resolve));
  socket.write(raw);
  await withTimeout(closed, timeoutMs, 'the server to end the connection').finally(() => socket.destroy());
  return Buffer.concat(chunks).toString('latin1');
}
