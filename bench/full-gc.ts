// A full garbage collection on demand, in a process not started with --expose-gc: what is left
// after it is what the process holds, not garbage it has not got round to collecting yet.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type Gc = (options?: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;

export function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as Gc;
  // V8's "last resort" collection, as a heap snapshot does: it also shrinks the young generation
  // and returns pooled pages, which a plain gc() keeps (the server's RSS barely moved with it).
  // Twice: the first pass can leave objects that only its finalizers made unreachable.
  gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
  gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
}
