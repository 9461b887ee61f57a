// A server's start on a state directory whose writer lock another process holds, when only that
// holder's refresh can show it alive (another container on this host, another host or boot): a
// server restarted in a new container after its predecessor crashed finds the dead one's lock so,
// and stopping at once would only have its orchestrator start it again and again (a crash loop
// with back-off) until the lock went stale. It waits instead, saying so: the lock is taken once it
// has gone STALE_MS untouched, and the start is refused as soon as its holder touches it (alive:
// a live holder touches it every REFRESH_MS). A holder this process can ask after by its pid is
// refused at once, as before.
import { STALE_MS } from './file-lock.ts';
import { WriterLockHeld, type FileStore } from '../file-store.ts';

/** how often the lock is looked at while waiting */
const LOOK_EVERY_MS = 1_000;
/** past the stale time: a holder still refused then (an older build's process, running) is refused for good */
const MARGIN_MS = 5_000;

export async function lockForWritingOrWait(store: FileStore, waiting: (sentence: string) => void, sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))): Promise<void> {
  let first: number | undefined;
  for (;;) {
    try {
      return store.lockForWriting();
    } catch (error) {
      const touchedAt = error instanceof WriterLockHeld ? error.refusal.touchedAt : undefined;
      const touchedSince = first !== undefined && touchedAt !== undefined && touchedAt > first;
      if (touchedAt === undefined || touchedSince || Date.now() > touchedAt + STALE_MS + MARGIN_MS) throw error;
      if (first === undefined) {
        first = touchedAt;
        const left = Math.max(0, Math.ceil((touchedAt + STALE_MS - Date.now()) / 1000));
        const quiet = Math.round((Date.now() - touchedAt) / 1000);
        waiting(`the event log's writer lock is held by ${(error as WriterLockHeld).refusal.heldBy}, silent for ${quiet} s: waiting up to ${left} s more (if it shows it is alive meanwhile, this server stops; if not, it died, and its lock is taken over)`);
      }
      await sleep(LOOK_EVERY_MS);
    }
  }
}
