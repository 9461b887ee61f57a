// The URL path and query of a channel stream, as kubectl and client-node build them: an exec runs
// `argv` in the container; an attach (mode attach) joins the container's main process and runs
// nothing, so it has no command. Shared by the WebSocket and SPDY adapters.
import type { ExecRequest } from '../exec.ts';

export function channelPath(request: ExecRequest): string {
  const { namespace, pod, container } = request.target;
  const attach = request.mode?.kind === 'attach';
  const query = new URLSearchParams();
  if (!attach) for (const word of request.argv) query.append('command', word);
  query.set('container', container);
  query.set('stdin', String(request.stdin));
  query.set('stdout', 'true');
  // With a TTY the terminal merges both: kubectl asks for no stderr.
  query.set('stderr', String(!request.tty));
  query.set('tty', String(request.tty));
  return `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/${attach ? 'attach' : 'exec'}?${query}`;
}
