// A recording read back whole, for the tests: what readCast streams, gathered (each stream of a
// read is for one reply: the stored file comes from a second read).
import { buffer, text } from 'node:stream/consumers';
import { readCast } from '../../src/recording/cast-file.ts';

export async function readBack(path: string, maxBytes: number): Promise<{ text: string; damage?: string; stored?: Buffer }> {
  const cast = await readCast(path, maxBytes);
  const read = { text: await text(cast.text()).finally(() => cast.close()), ...(cast.damage ? { damage: cast.damage } : {}) };
  if (!cast.gzipped) return read;
  const again = await readCast(path, maxBytes);
  return { ...read, stored: await buffer(again.stored().stream).finally(() => again.close()) };
}
