// Another process taking a state directory's writer lock as a server does (FileStore), for the
// lock tests: it says `took <the lock's target>` or `refused <why>`, then does what each line of
// its stdin says, answering a line each, and lets go of the lock when its stdin ends.
//   append SEQ   appends an entry: `appended SEQ`, or `refused <why>`
//   later MS     its clocks (Date.now, performance.now) jump MS ahead, as after a pause that long: `later MS`
//   replay       in one synchronous go, as a start's replay: the lock set a minute back, the log read: `replayed N touched true|false`
//   unreadable   the lock made unreadable (a folder in its place: EISDIR), the log read: `replayed N`, or `failed <why>`
//   readonly     the state directory seen read-only from now on (as a volume can turn), the files this
//                process has open staying writable (needs a mount namespace of its own): `readonly`
// What the store tells as it runs: `lost <why>` (the server's stop), `warn <message>`.
import { execFileSync } from 'node:child_process';
import { lstatSync, lutimesSync, mkdirSync, readlinkSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { createInterface } from 'node:readline';
import { FileStore } from '../../src/events/file-store.ts';

const say = (line: string) => process.stdout.write(`${line.replace(/\n/g, ' ')}\n`);
const dir = process.argv[2];
const lock = join(dir, 'log', 'writer.lock');
const store = new FileStore(dir, { warn: (message) => say(`warn ${message}`), lockLost: (why) => say(`lost ${why}`) });
try {
  store.lockForWriting();
  say(`took ${readlinkSync(lock)}`);
} catch (error) {
  say(`refused ${(error as Error).message}`);
  process.exit(0);
}

let ahead = 0;
const [wall, monotonic] = [Date.now, performance.now.bind(performance)];
Date.now = () => wall() + ahead;
performance.now = () => monotonic() + ahead;

for await (const line of createInterface({ input: process.stdin })) {
  const [command, arg] = line.split(' ');
  if (command === 'append') {
    try {
      store.append({ seq: Number(arg), time: Date.now(), type: 'session.closed', sessionId: `t${arg}` });
      say(`appended ${arg}`);
    } catch (error) {
      say(`refused ${(error as Error).message}`);
    }
  } else if (command === 'later') {
    ahead += Number(arg);
    say(`later ${arg}`);
  } else if (command === 'replay') {
    const minuteAgo = new Date(wall() - 60_000);
    lutimesSync(lock, minuteAgo, minuteAgo);
    let entries = 0;
    for (const _ of store.read(0)) entries++;
    say(`replayed ${entries} touched ${lstatSync(lock).mtimeMs > minuteAgo.getTime()}`);
  } else if (command === 'readonly') {
    // a read-only bind of the folder over itself: a remount of a mount with files open for writing is refused (EBUSY)
    execFileSync('mount', ['--bind', dir, dir]);
    execFileSync('mount', ['-o', 'remount,bind,ro', dir]);
    say('readonly');
  } else if (command === 'unreadable') {
    rmSync(lock);
    mkdirSync(lock);
    try {
      let entries = 0;
      for (const _ of store.read(0)) entries++;
      say(`replayed ${entries}`);
    } catch (error) {
      say(`failed ${(error as Error).message}`);
    }
  }
}
store.close();
