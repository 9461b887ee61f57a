// An exec stream whose real stream opens later (after a debug container is ready): what the
// caller does meanwhile (keystrokes, a resize, a pause) is kept in order and done to the real
// stream when it arrives. A close before then means the real stream is never opened.
import { ForwardingExecStream } from './forwarding-stream.ts';
import type { ExecStream } from './exec.ts';

export class DeferredExecStream extends ForwardingExecStream {
  #stream: ExecStream | undefined;
  #waiting: ((stream: ExecStream) => void)[] = [];
  /** `sent` of writes still kept: told at a close before the stream came (they will never be sent) */
  #unsent: (() => void)[] = [];
  #closed = false;

  /** whether close() came first: the owner then opens nothing */
  get closed(): boolean {
    return this.#closed;
  }

  /** The real stream: what was kept is done to it now, in order. */
  begin(stream: ExecStream): void {
    this.#stream = stream;
    this.#unsent.length = 0;
    for (const action of this.#waiting.splice(0)) action(stream);
  }

  protected forward(action: (stream: ExecStream) => void): void {
    if (this.#stream) action(this.#stream);
    else this.#waiting.push(action);
  }

  write(data: Uint8Array, sent?: () => void): void {
    if (this.#stream) return this.#stream.write(data, sent);
    const copy = data.slice(); // the caller may reuse its buffer before the stream opens
    if (sent) this.#unsent.push(sent);
    this.#waiting.push((stream) => stream.write(copy, sent));
  }

  close(): void {
    this.#closed = true;
    this.#waiting.length = 0;
    for (const sent of this.#unsent.splice(0)) sent();
    this.#stream?.close();
  }
}
