// kubectl cp's argument syntax: [NAMESPACE/]POD:PATH is in a container, anything else is local.
// A local path with a colon can be given as ./a:b (kubectl's own advice).
import { nameProblem } from '../../domain/names.ts';
import { UsageError } from '../usage.ts';

export interface RemoteSpec {
  namespace?: string;
  pod: string;
  path: string;
}

export type CopySpec = { local: string } | { remote: RemoteSpec };

// `s`: a path in the container may hold a newline
const REMOTE = /^(?:([^/:]+)\/)?([^/:]+):(.*)$/s;

export function copySpec(arg: string): CopySpec {
  if (arg.startsWith('/') || arg.startsWith('.')) return { local: arg };
  const match = REMOTE.exec(arg);
  if (!match) return { local: arg };
  const [, namespace, pod, path] = match;
  if (namespace !== undefined) check('namespace', namespace);
  check('pod', pod);
  if (!path) throw new UsageError(`"${arg.slice(0, 100)}" names no path in the container: write POD:/path`);
  return { remote: { ...(namespace !== undefined ? { namespace } : {}), pod, path } };
}

function check(kind: 'namespace' | 'pod', value: string): void {
  const problem = nameProblem(kind, value);
  if (problem) throw new UsageError(problem);
}
