// A full garbage collection on demand, in a process not started with --expose-gc: what is left
// after it is what the process holds, not garbage it has not got round to collecting yet.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  // twice: the first pass can leave objects that only its finalizers made unreachable
  gc();
  gc();
}
