// A process that listens with stopSignals (src/cli/stop-signal.ts) and never ends by itself, for
// tests/cli/stop-signal.test.ts: any end of it is a signal's doing. It stays "starting" unless given
// `started`; with `forget` it stops listening at once, as a server does that stops for a lost lease.
import process from 'node:process';
import { stopSignals } from '../../src/cli/stop-signal.ts';

const stop = stopSignals('child');
const startedAtOnce = process.argv.includes('started');
if (startedAtOnce) console.log(`ready ${stop.started()}`);
void stop.first.then((signal) => {
  console.log(startedAtOnce ? `first ${signal}` : `first ${signal}, then ready ${stop.started()}`);
  setImmediate(() => console.log('still running'));
});
if (process.argv.includes('forget')) stop.forget();
setInterval(() => {}, 60_000);
console.log('listening');
