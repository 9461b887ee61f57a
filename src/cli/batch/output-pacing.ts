// The batch's output to a reader slower than its containers (`… | less`, a slow disk, a pipe
// into a busy program): once stdout or stderr holds more than it takes at once, every exec of
// the batch is paused until they have drained, so the containers wait, as `octant-exec exec`
// makes its command wait (it acknowledges output only once written). Without it, Node queues
// every byte the containers write in this process's memory, without bound.
import type { TerminalIo } from '../../runtime/terminal-io.ts';

export interface PacedOutput {
  /** writes `text` to `stream`, holding the execs back while a stream is over its high-water mark */
  write(stream: NodeJS.WritableStream, text: string): void;
  stop(): void;
}

export function pacedOutput(io: TerminalIo): PacedOutput {
  const running = new Set<string>();
  /** the streams being waited for to drain */
  const full = new Set<NodeJS.WritableStream>();
  const stopListening = io.listen({
    // a stream that opens while output waits is held back from its start
    streamOpened: (sessionId) => {
      running.add(sessionId);
      if (full.size > 0) io.pause(sessionId);
    },
    streamClosed: (sessionId) => void running.delete(sessionId),
  });
  const drained = (stream: NodeJS.WritableStream) => () => {
    full.delete(stream);
    if (full.size === 0) for (const sessionId of running) io.resume(sessionId);
  };
  const waits = new Map<NodeJS.WritableStream, () => void>();
  return {
    write(stream, text) {
      if (stream.write(text) || full.has(stream)) return;
      if (full.size === 0) for (const sessionId of running) io.pause(sessionId);
      full.add(stream);
      const wait = waits.get(stream) ?? drained(stream);
      waits.set(stream, wait);
      stream.once('drain', wait);
    },
    stop() {
      stopListening();
      for (const [stream, wait] of waits) stream.off('drain', wait);
    },
  };
}
