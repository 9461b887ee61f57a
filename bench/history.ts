// The project's generator of realistic histories: a state directory grown by the live machines
// (ExecSystem on the file store, exactly as a server writes it, snapshots included), on a fake
// cluster and a virtual clock, from a fixed seed. A small team's working day, over and over:
//   - interactive shells (60%): bursts of output a second or two apart for up to two minutes,
//     with quiet gaps between them (some past the 60 s idle notice, a few past the 300 s idle
//     timeout), a resize now and then; most end with `exit`, some are closed while running;
//   - one-shot commands (25%): a few seconds of output, exit 0 or 1;
//   - batches (10%) over 3 to 8 containers, 3 at a time;
//   - failures (5%): an image without bash (the auto shell falls back to sh), or a cluster that
//     never answers (connect timeout).
// Eight users work at once, close most tabs when done and the rest now and then; the server
// restarts every virtual day (a snapshot on the way down, a start from it on the way up) and
// writes snapshots by count in between. Nothing is compacted: the whole history stays on disk, the
// hardest case for a start.
import { FakeExecAdapter, type FakeStream } from '../src/adapters/fake-exec.ts';
import { FileStore } from '../src/events/file-store.ts';
import { VirtualClock } from '../src/runtime/clock.ts';
import { ExecSystem } from '../src/runtime/exec-system.ts';

const DAY = 86_400_000;
const USERS = 8;

/** mulberry32: a small seeded generator, so every run grows the same history */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Lets queued microtasks run (a snapshot is written once the step that made it due is over). */
const settled = () => Promise.resolve();

/** One user's current piece of work: when it next does something, and what. */
interface Work {
  at: number;
  step(): number | undefined; // ms until the next step, or undefined when done
}

export class HistoryGenerator {
  /** what the system warned about: a history that replays exactly has none */
  readonly warnings: string[] = [];
  readonly #dir: string;
  readonly #rand = random(13);
  #system!: ExecSystem;
  #store!: FileStore;
  #adapter!: FakeExecAdapter;
  // Far enough back that even 10M entries (about three years of such days) end before today, as a real history does.
  #day = Date.UTC(2023, 0, 1, 8);
  #count = 0;

  constructor(dir: string) {
    this.#dir = dir;
    this.#open();
  }

  /** entries written so far (the seq of the last one) */
  get entries(): number {
    return this.#count;
  }

  /** Works on, a day at a time, until the log has at least `entries` entries. */
  grow(entries: number): Promise<void> {
    return this.#work(() => this.#count >= entries);
  }

  /** Works on until at least `entries` entries came after the newest snapshot (fewer than the policy's count: none is on its way). */
  growTail(entries: number): Promise<void> {
    return this.#work(() => {
      const newest = this.#store.snapshots()[0];
      return newest !== undefined && this.#count - newest.seq >= entries;
    });
  }

  /** Stops as a crash would: no shutdown, no snapshot, live sessions left live. */
  crash(): void {
    this.#store.close();
  }

  async #work(done: () => boolean): Promise<void> {
    while (!done()) await this.#workDay(done);
  }

  #open(): void {
    // Streams the script opens at once, except for the failures a piece of work sets up itself.
    this.#adapter = new FakeExecAdapter();
    this.#store = new FileStore(this.#dir);
    this.#system = ExecSystem.open({
      adapter: this.#adapter,
      store: this.#store,
      config: { maxLiveSessions: 64 },
      clock: () => new VirtualClock(this.#day),
      // by count only (as when entries come fast), so growTail can stop just before the next one
      snapshots: { everyMs: Number.POSITIVE_INFINITY },
      warn: (w) => this.warnings.push(w),
    });
    this.#system.onEntry((entry) => (this.#count = entry.seq));
  }

  /** A working day, or the part of it until `done`: the server is left running then. */
  async #workDay(done: () => boolean): Promise<void> {
    const clock = this.#system.clock;
    clock.advanceTo(Math.max(clock.now(), this.#day));
    const end = this.#day + 9 * 3_600_000;
    const users: Work[] = Array.from({ length: USERS }, (_, i) => ({ at: clock.now() + i * 60_000, step: () => undefined }));
    for (;;) {
      if (done()) return;
      const user = users.reduce((a, b) => (a.at <= b.at ? a : b));
      if (user.at >= end) break;
      clock.advanceTo(user.at);
      const next = user.step();
      if (next === undefined) Object.assign(user, this.#nextWork(user.at));
      else user.at += next;
      await settled(); // as between two inputs of a server: a snapshot that fell due is written
    }
    this.#system.closeAllEnded(); // tabs of the day's ended terminals closed before going home
    this.#system.shutdown(); // the server stops for the night, and starts from its snapshot
    this.#day += DAY;
    this.#open();
  }

  #nextWork(now: number): Work {
    const r = this.#rand();
    const at = now + 5_000 + this.#rand() * 120_000;
    if (this.#rand() < 0.05) this.#system.closeAllEnded(); // someone tidies the tabs
    if (r < 0.6) return { at, step: this.#shell() };
    if (r < 0.85) return { at, step: this.#oneShot() };
    if (r < 0.95) return { at, step: this.#batch() };
    return { at, step: this.#failure() };
  }

  #exec(pod: string, argv?: string[]): { stream: FakeStream; id: string } | undefined {
    const before = this.#adapter.streams.length;
    const result = this.#system.exec(
      { target: { namespace: 'default', pod, containers: ['main'] }, command: argv ? { argv } : { shell: 'auto' }, interactive: !argv, requestedBy: `user-${Math.floor(this.#rand() * 12)}` },
      ['main'],
    );
    return 'refused' in result ? undefined : { stream: this.#adapter.streams[before], id: result.sessionIds[0] };
  }

  /** An interactive shell: bursts of output and quiet gaps, then exit (or close, or the idle timeout). */
  #shell(): Work['step'] {
    const shell = this.#exec('web');
    const stream = shell?.stream.open();
    let bursts = 1 + Math.floor(this.#rand() * 12);
    let burstLeft = 10_000 + this.#rand() * 110_000;
    if (shell && this.#rand() < 0.2) this.#system.resize(shell.id, 100 + Math.floor(this.#rand() * 100), 40);
    return () => {
      if (!stream || stream.isEnded) return undefined; // timed out during a long gap
      if (burstLeft > 0) {
        stream.stdout('output');
        const gap = 1_000 + this.#rand() * 2_000;
        burstLeft -= gap;
        return gap;
      }
      if (--bursts > 0) {
        burstLeft = 10_000 + this.#rand() * 110_000;
        const quiet = this.#rand();
        return quiet < 0.05 ? 310_000 : quiet < 0.35 ? 61_000 + this.#rand() * 200_000 : 5_000 + this.#rand() * 50_000;
      }
      if (this.#rand() < 0.8) stream.exit(0);
      if (this.#rand() < 0.8) this.#system.close(shell!.id); // the tab, once done with
      return undefined;
    };
  }

  #oneShot(): Work['step'] {
    const started = this.#exec('tools', ['sh', '-c', 'make test']);
    const stream = started?.stream.open();
    let left = Math.floor(this.#rand() * 5);
    return () => {
      if (!stream || stream.isEnded) return undefined;
      if (left-- > 0) {
        stream.stdout('line\n');
        return 1_000;
      }
      stream.exit(this.#rand() < 0.8 ? 0 : 1);
      if (this.#rand() < 0.5) this.#system.close(started!.id);
      return undefined;
    };
  }

  #batch(): Work['step'] {
    const size = 3 + Math.floor(this.#rand() * 6);
    const before = this.#adapter.streams.length;
    this.#system.batch({ argv: ['hostname'], requestedBy: 'ops', concurrency: 3, timeoutMs: 60_000 }, Array.from({ length: size }, (_, i) => ({ namespace: 'batch', pod: `worker-${i}`, container: 'main' })), []);
    let handled = before;
    return () => {
      const waiting = this.#adapter.streams.slice(handled);
      if (waiting.length === 0) return handled - before >= size ? undefined : 1_000;
      handled += waiting.length;
      for (const stream of waiting) stream.open().stdout('worker').exit(this.#rand() < 0.9 ? 0 : 2);
      return 1_000 + this.#rand() * 9_000;
    };
  }

  #failure(): Work['step'] {
    const started = this.#exec('distroless');
    if (!started) return () => undefined;
    if (this.#rand() < 0.5) return () => undefined; // never answers: the connect timeout ends it
    started.stream.fail('commandNotFound', 'exec: "bash": executable file not found in $PATH');
    const fallback = this.#adapter.last().open();
    return () => {
      if (!fallback.isEnded) fallback.exit(0);
      return undefined;
    };
  }
}
