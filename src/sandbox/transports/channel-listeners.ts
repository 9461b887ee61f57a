// The listening half of ExecChannels, the same for every transport: who wants stdin, stdin's
// end, sizes, the client going away, and drain. A transport extends it and calls `emit`.
import type { TerminalSize } from '../../domain/target.ts';

interface ChannelEvents {
  stdin: Uint8Array;
  stdinEnd: void;
  resize: TerminalSize;
  gone: string;
  drain: void;
}

export abstract class ChannelListeners {
  readonly #listeners: { [K in keyof ChannelEvents]: ((value: ChannelEvents[K]) => void)[] } = { stdin: [], stdinEnd: [], resize: [], gone: [], drain: [] };

  onStdin(listener: (chunk: Uint8Array) => void): void {
    this.#listeners.stdin.push(listener);
  }
  onStdinEnd(listener: () => void): void {
    this.#listeners.stdinEnd.push(listener);
  }
  onResize(listener: (size: TerminalSize) => void): void {
    this.#listeners.resize.push(listener);
  }
  onClientGone(listener: (reason: string) => void): void {
    this.#listeners.gone.push(listener);
  }
  onDrain(listener: () => void): void {
    this.#listeners.drain.push(listener);
  }

  protected emit<K extends keyof ChannelEvents>(event: K, value: ChannelEvents[K]): void {
    for (const listener of this.#listeners[event]) listener(value);
  }
}
