// A full garbage collection on demand, without starting Node with --expose-gc: memory read right
// after it is what is live, not what the collector has yet to free.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}
