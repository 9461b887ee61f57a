// Opens the system on the state directory given as argv[2], waits a moment, and says "opened".
import process from 'node:process';
import { FileStore } from '../../src/events/file-store.ts';
import { makeSystem } from '../support/system.ts';

const { system } = makeSystem({ store: new FileStore(process.argv[2]), warnings: [] });
await new Promise((resolve) => setTimeout(resolve, 200));
process.stdout.write(`opened: ${system.sessionList.order.length} sessions\n`);
await system.shutdown();
