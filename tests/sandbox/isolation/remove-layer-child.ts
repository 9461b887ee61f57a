// Run as another user by layer-removal.test.ts: removes the folder given with this user's rights,
// as a sandbox that user started would, and prints what removeWritableLayer said (JSON).
import process from 'node:process';
import { findIsolationTools } from '../../../src/sandbox/isolation/host-tools.ts';
import { removeWritableLayer } from '../../../src/sandbox/isolation/writable-layer.ts';

const tools = findIsolationTools();
if ('missing' in tools) throw new Error(tools.missing);
const said = await removeWritableLayer(tools, process.argv[2]!);
process.stdout.write(`${JSON.stringify({ said: said ?? null })}\n`);
