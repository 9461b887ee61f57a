// The part two exec streams share that hold on to what is done to them until a real stream can
// take it (the debug adapter's, before its debug container runs; the fallback's, until one
// transport has answered): everything but writing and closing is forwarded through `forward`.
// Also a stream passed on as it is but for its close (adapters that report the end themselves).
import type { ExecStream } from './exec.ts';
import type { TerminalSize } from '../domain/target.ts';

export abstract class ForwardingExecStream implements ExecStream {
  /** Does `action` to the real stream now, or keeps it for when there is one. */
  protected abstract forward(action: (stream: ExecStream) => void): void;
  abstract write(data: Uint8Array, sent?: () => void): void;
  abstract close(): void;

  closeStdin(): void {
    this.forward((stream) => stream.closeStdin());
  }

  resize(size: TerminalSize): void {
    this.forward((stream) => stream.resize(size));
  }

  pause(): void {
    this.forward((stream) => stream.pause());
  }

  resume(): void {
    this.forward((stream) => stream.resume());
  }
}

/** `stream` as it is, with `closed` done after its close (an adapter reporting the end itself). */
export function alsoOnClose(stream: ExecStream, closed: () => void): ExecStream {
  return {
    write: (data, sent) => stream.write(data, sent),
    closeStdin: () => stream.closeStdin(),
    resize: (size) => stream.resize(size),
    pause: () => stream.pause(),
    resume: () => stream.resume(),
    close: () => {
      stream.close();
      closed();
    },
  };
}
