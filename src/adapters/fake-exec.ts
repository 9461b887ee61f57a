// A scripted, in-memory exec adapter for tests of the machines and the runtime: nothing runs,
// every stream is a FakeStream the test (or a script) drives by hand.
import type { ExecAdapter, ExecListener, ExecRequest, ExecStream } from './exec.ts';
import type { FailureReason, TerminalSize } from '../domain/target.ts';

const encoder = new TextEncoder();

export class FakeStream implements ExecStream {
  readonly written: Uint8Array[] = [];
  readonly sizes: TerminalSize[] = [];
  stdinClosed = false;
  paused = false;
  isOpen = false;
  isEnded = false;
  /** `sent` callbacks of writes the cluster side has not taken (see takeNoInput) */
  readonly #untaken: (() => void)[] = [];
  #takesInput = true;

  constructor(
    readonly request: ExecRequest,
    private readonly listener: ExecListener,
  ) {}

  // What the cluster side does:
  open(protocol = 'fake.v1'): this {
    this.isOpen = true;
    this.listener.opened(protocol);
    return this;
  }

  stdout(data: string | Uint8Array): this {
    this.listener.stdout(typeof data === 'string' ? encoder.encode(data) : data);
    return this;
  }

  stderr(data: string | Uint8Array): this {
    this.listener.stderr(typeof data === 'string' ? encoder.encode(data) : data);
    return this;
  }

  exit(code: number): void {
    this.#end(() => this.listener.ended({ kind: 'exited', code }));
  }

  fail(reason: FailureReason, message = `fake ${reason}`): void {
    this.#end(() => this.listener.ended({ kind: 'failed', failure: { reason, message } }));
  }

  drop(reason = 'connection reset'): void {
    this.#end(() => this.listener.ended({ kind: 'dropped', reason }));
  }

  /** The program stops reading its stdin: what is written stays unsent (its `sent` is not called) until takeInput. */
  takeNoInput(): this {
    this.#takesInput = false;
    return this;
  }

  /** It reads again: every write held so far is sent. */
  takeInput(): this {
    this.#takesInput = true;
    for (const sent of this.#untaken.splice(0)) sent();
    return this;
  }

  #end(report: () => void): void {
    if (this.isEnded) return;
    this.isEnded = true;
    for (const sent of this.#untaken.splice(0)) sent(); // never sent now, as ExecStream.write says
    report();
  }

  // What the exec's user does (the ExecStream interface):
  write(data: Uint8Array, sent?: () => void): void {
    this.written.push(data);
    if (!sent) return;
    if (this.#takesInput || this.isEnded) queueMicrotask(sent);
    else this.#untaken.push(sent);
  }

  closeStdin(): void {
    this.stdinClosed = true;
  }

  resize(size: TerminalSize): void {
    this.sizes.push(size);
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
  }

  close(): void {
    this.drop('closed');
  }

  get input(): string {
    return this.written.map((chunk) => new TextDecoder().decode(chunk)).join('');
  }
}

/** Decides, for each new stream, what the fake cluster does right away (after a microtask, like real I/O). */
export type FakeScript = (stream: FakeStream) => void;

/** A container image that has only the executables named: anything else fails as "not found". */
export function fakeImage(executables: string[], then: FakeScript = (stream) => void stream.open()): FakeScript {
  return (stream) => {
    const command = stream.request.argv[0];
    if (executables.includes(command)) then(stream);
    else stream.fail('commandNotFound', `exec: "${command}": executable file not found in $PATH`);
  };
}

export class FakeExecAdapter implements ExecAdapter {
  readonly streams: FakeStream[] = [];

  constructor(private readonly script?: FakeScript) {}

  open(request: ExecRequest, listener: ExecListener): ExecStream {
    const stream = new FakeStream(request, listener);
    this.streams.push(stream);
    if (this.script) queueMicrotask(() => this.script!(stream));
    return stream;
  }

  /** The stream opened most recently. */
  last(): FakeStream {
    const stream = this.streams.at(-1);
    if (!stream) throw new Error('no stream was opened');
    return stream;
  }

  live(): FakeStream[] {
    return this.streams.filter((stream) => !stream.isEnded);
  }
}
