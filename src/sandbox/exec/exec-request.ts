// An exec as the API server understands its query: argv (one `command` per element), the
// container, and which streams the client wants.
export interface ExecRequest {
  namespace: string;
  pod: string;
  container: string;
  argv: string[];
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

const isTrue = (value: string | null) => value === 'true' || value === '1';

/** Reads the exec query; container may be '' (the caller picks the pod's only container). */
export function parseExecQuery(namespace: string, pod: string, query: URLSearchParams): ExecRequest {
  const tty = isTrue(query.get('tty'));
  return {
    namespace,
    pod,
    container: query.get('container') ?? '',
    argv: query.getAll('command'),
    stdin: isTrue(query.get('stdin')),
    stdout: isTrue(query.get('stdout')),
    // The kubelet drops stderr for a TTY: the terminal merges both streams.
    stderr: isTrue(query.get('stderr')) && !tty,
    tty,
  };
}
