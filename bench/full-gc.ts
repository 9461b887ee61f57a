// A full garbage collection on demand, in a process not started with --expose-gc: what is left
// after it is what the process holds, not garbage it has not got round to collecting yet.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type Gc = (options?: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;

export function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as Gc;
  // V8's "last resort" collection, as a heap snapshot asks for: it returns pooled pages, which a
  // plain gc() kept (the server's RSS barely moved with it). It does not shrink the young
  // generation, which a heap snapshot does (measured apart on Node 20: a new space grown to 8 MiB
  // stayed 8 MiB after it and went to 1 MiB with a snapshot): readers subtract its growth
  // (ServerUsage.youngGeneration). Twice: the first pass can leave objects that only its
  // finalizers made unreachable.
  gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
  gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
}
