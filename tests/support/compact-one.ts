// Another process compacting a state directory, as a running server's hourly upkeep or
// `octant-exec log compact` does: through the newest snapshot, every closed session expired.
import process from 'node:process';
import { FileStore } from '../../src/events/file-store.ts';

const dir = process.argv[2];
const store = new FileStore(dir);
const through = Math.max(...store.snapshots().map((snapshot) => snapshot.seq));
const report = await store.compact({ through, expireBefore: Date.now() + 86_400_000 });
process.stdout.write(`${JSON.stringify({ through, ...report })}\n`);
