// Writes a SPDY session's frames in the order they were made. Header blocks are compressed
// asynchronously by zlib, yet each compressed block depends on the ones before it and DATA must
// not overtake the SYN_STREAM or SYN_REPLY of its stream: so once a frame is a promise, every
// frame after it waits its turn. Frames that are ready while nothing waits go straight out.

/** Outgoing bytes, or a promise of them while a header block is being compressed. */
export type Outgoing = Uint8Array | Promise<Uint8Array>;

export class OrderedWriter {
  readonly #queue: Outgoing[] = [];
  #queuedBytes = 0;
  #busy = false;
  #stopped = false;

  constructor(
    private readonly socketWrite: (bytes: Uint8Array) => void,
    /** a compression failed: the connection cannot go on */
    private readonly failed: (error: Error) => void,
    /** everything queued has been written */
    private readonly idle: () => void,
  ) {}

  get busy(): boolean {
    return this.#busy;
  }

  /** bytes of ready frames waiting behind a header block in zlib */
  get queuedBytes(): number {
    return this.#queuedBytes;
  }

  write(bytes: Outgoing): void {
    if (this.#stopped) return;
    if (!this.#busy && !(bytes instanceof Promise)) return this.socketWrite(bytes);
    this.#queue.push(bytes);
    if (!(bytes instanceof Promise)) this.#queuedBytes += bytes.length;
    if (!this.#busy) void this.#drain();
  }

  /** Drops what waits and writes nothing more. */
  stop(): void {
    this.#stopped = true;
    this.#queue.length = 0;
    this.#queuedBytes = 0;
  }

  async #drain(): Promise<void> {
    this.#busy = true;
    try {
      while (this.#queue.length) {
        const next = this.#queue.shift()!;
        if (!(next instanceof Promise)) this.#queuedBytes -= next.length;
        const bytes = await next;
        if (this.#stopped) return;
        this.socketWrite(bytes);
      }
    } catch (error) {
      return this.failed(error as Error);
    } finally {
      this.#busy = false;
    }
    this.idle();
  }
}
