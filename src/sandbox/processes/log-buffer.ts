// A container's log, as the kubelet keeps it in a file it rotates: the last LOG_LIMIT_BYTES of
// everything the main process wrote (stdout and stderr interleaved, or the terminal's output),
// so a chatty process never grows the sandbox's memory. Older output is dropped, and `truncated`
// says that it was.

/** What a container's log keeps; the kubelet's default container-log-max-size is 10 MiB, a sandbox needs less. */
export const LOG_LIMIT_BYTES = 1 << 20;

export class LogBuffer {
  private chunks: Buffer[] = [];
  private size = 0;
  /** true once older output was dropped to stay within the limit */
  truncated = false;

  constructor(private readonly limit = LOG_LIMIT_BYTES) {}

  append(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.chunks.push(Buffer.from(chunk)); // a copy: the caller's buffer may be reused
    this.size += chunk.length;
    while (this.size > this.limit) {
      const first = this.chunks[0];
      const excess = this.size - this.limit;
      this.truncated = true;
      if (first.length <= excess) {
        this.chunks.shift();
        this.size -= first.length;
      } else {
        this.chunks[0] = first.subarray(excess);
        this.size -= excess;
      }
    }
  }

  contents(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

/** The last `count` lines of a log, as `kubectl logs --tail` asks (a last line without a newline counts). */
export function lastLines(log: Buffer, count: number): Buffer {
  if (count <= 0) return Buffer.alloc(0);
  let end = log.length;
  if (end > 0 && log[end - 1] === 0x0a) end--; // the final newline ends the last line, it does not start one
  let at = end;
  for (let seen = 0; seen < count; seen++) {
    if (at <= 0) return log; // (a negative offset would search from the end)
    at = log.lastIndexOf(0x0a, at - 1);
    if (at < 0) return log;
  }
  return log.subarray(at + 1);
}
