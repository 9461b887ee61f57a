// Crafting damaged tar headers for tests: after a field is changed by hand, the checksum is made
// right again, so the reader meets the lie itself and not a checksum error.
import { BLOCK } from '../../src/files/tar-header.ts';

export function fixChecksum(block: Buffer): Buffer {
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += block[i];
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'latin1');
  return block;
}
