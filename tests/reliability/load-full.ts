// npm run test:load: the full load scenario (500 sessions, 100 of them streaming 20 MB each).
// Prints its figures for docs/reliability.md and exits 1 on any lost byte or wrong exit code.
import process from 'node:process';
import { runLoad } from './load-scenario.ts';

const sessions = Number(process.env.LOAD_SESSIONS ?? 500);
const streams = Number(process.env.LOAD_STREAMS ?? 50); // random and text each: 100 streams
const bytes = Number(process.env.LOAD_BYTES ?? 20_000_000);
const report = await runLoad({ sessions, streams, bytes });
console.log(JSON.stringify({ date: new Date().toISOString(), streams: 2 * streams, bytesPerStream: bytes, ...report }, null, 2));
if (report.problems.length) {
  console.error(`${report.problems.length} problems:\n${report.problems.slice(0, 50).join('\n')}`);
  process.exit(1);
}
console.log(`load: ${report.sessions} passed, 0 failed`);
process.exit(0);
