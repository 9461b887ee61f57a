// The contract between an exec transport of the sandbox (WebSocket v4/v5, SPDY/3.1) and the
// process runner behind it. A transport parses its wire format into these calls; the runner
// never sees frames, and a transport never sees processes.
import type { TerminalSize } from '../../domain/target.ts';

/** A Kubernetes metav1.Status, as written on the error channel / stream. */
export interface KubeStatus {
  kind?: 'Status';
  apiVersion?: 'v1';
  metadata: Record<string, never>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: { name?: string; group?: string; kind?: string; causes?: { reason?: string; message: string; field?: string }[] };
  code?: number;
}

export interface ExecChannels {
  /** bytes the client wrote to stdin */
  onStdin(listener: (chunk: Uint8Array) => void): void;
  /** the client closed stdin (v5 0xff frame, SPDY half-close) */
  onStdinEnd(listener: () => void): void;
  /** each terminal size the client sends, already parsed and clamped */
  onResize(listener: (size: TerminalSize) => void): void;
  /** the client went away or the connection broke: end the process group */
  onClientGone(listener: (reason: string) => void): void;
  /** write process output; false means the client is behind: stop reading until onDrain fires */
  stdout(chunk: Uint8Array): boolean;
  stderr(chunk: Uint8Array): boolean;
  onDrain(listener: () => void): void;
  /**
   * Flow control on input: stop reading the client's stdin (the connection's reading, so TCP
   * backpressure reaches the client) until resumeInput. The client going away is still noticed.
   */
  pauseInput(): void;
  resumeInput(): void;
  /** write the final status and close normally; nothing is written after it */
  finish(status: KubeStatus): void;
  /** fault injection: drop the connection at once, without a close frame or a status */
  abort(): void;
  /** fault injection: stop reading and writing (pings unanswered) but keep the connection open */
  stall(): void;
}
