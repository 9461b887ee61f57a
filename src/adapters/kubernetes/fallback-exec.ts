// An exec adapter that composes two (client-go's FallbackExecutor, tools/remotecommand/fallback.go):
// WebSocket first, SPDY/3.1 when the WebSocket upgrade itself was refused.
//
// The rule, and why. kubectl 1.30+ falls back when `httpstream.IsUpgradeFailure(err) ||
// httpstream.IsHTTPSProxyError(err)` (kubectl/pkg/cmd/exec/exec.go), and client-go's WebSocket
// round tripper (transport/websocket/roundtripper.go) turns gorilla's ErrBadHandshake, i.e.
// *any* non-101 answer to the handshake, into an UpgradeFailureError. So kubectl falls back on
// 400, 401, 403, 404, 500 alike, and never on a network error or once the stream is up.
// We do the same: an attempt that ended `failed` with `upgradeRefused` (an HTTP answer other than
// 101) before it opened is retried over SPDY; nothing else is.
// - Never twice: a non-101 answer means the server did not take the connection, so no process
//   started. That is also why we do NOT copy client-go's second case, a 101 with a subprotocol
//   it did not offer: the server has switched protocols and an old one may already run the
//   command (EXEC-PROTOCOL.md's double run). client-node reports that as a plain error.
// - A 403 must fall back: the API server authorizes the WebSocket GET as `get pods/exec` and the
//   SPDY POST as `create pods/exec`, so a Role that grants only `create` (what kubectl ≤ 1.29
//   needed, and what docs tell people to grant) is refused over WebSocket and served over SPDY.
//   A 401/404 is repeated by the SPDY attempt, which costs one round trip and reports the same.
// - When both are refused, the SPDY answer is what ends the exec, as kubectl prints it.
// - Except a cluster too busy that said when to ask again (429, 503 with Retry-After): it was asked
//   again as long as it allowed (asking-again.ts), and asking it all over again on SPDY would
//   double the wait past the terminal's time to start. A 503 without Retry-After (a proxy that
//   cannot pass WebSocket may answer so) falls back as any other refusal.
import { ForwardingExecStream } from '../forwarding-stream.ts';
import type { ExecAdapter, ExecEnd, ExecListener, ExecRequest, ExecStream } from '../exec.ts';

/** client-go's shouldFallback, in ExecEnd terms: the upgrade was answered with an HTTP error (one that is not a busy cluster's, already asked again). */
export function upgradeWasRefused(end: ExecEnd): boolean {
  return end.kind === 'failed' && end.upgradeRefused !== undefined && !end.busy;
}

export class FallbackExecAdapter implements ExecAdapter {
  constructor(
    private readonly primary: ExecAdapter,
    private readonly secondary: ExecAdapter,
    private readonly shouldFallback: (end: ExecEnd) => boolean = upgradeWasRefused,
  ) {}

  open(request: ExecRequest, listener: ExecListener): ExecStream {
    return new FallbackExecStream(this.primary, this.secondary, this.shouldFallback, request, listener);
  }
}

class FallbackExecStream extends ForwardingExecStream {
  #current: ExecStream | undefined;
  #fellBack = false;
  #opened = false;
  #closed = false;
  /** what the caller did before the first attempt opened, to do again on the second */
  #replay: ((stream: ExecStream) => void)[] = [];

  constructor(
    primary: ExecAdapter,
    private readonly secondary: ExecAdapter,
    private readonly shouldFallback: (end: ExecEnd) => boolean,
    private readonly request: ExecRequest,
    private readonly listener: ExecListener,
  ) {
    super();
    const first = primary.open(request, {
      opened: (protocol) => {
        this.#opened = true;
        this.#replay.length = 0;
        listener.opened(protocol);
      },
      stdout: (chunk) => listener.stdout(chunk),
      stderr: (chunk) => listener.stderr(chunk),
      ended: (end) => {
        if (!this.#opened && !this.#closed && !this.#fellBack && this.shouldFallback(end)) return this.#fallBack();
        listener.ended(end);
      },
    });
    // An adapter may end synchronously inside open(): the fallback then already took over.
    if (!this.#fellBack) this.#current = first;
  }

  #fallBack(): void {
    this.#fellBack = true;
    const second = this.secondary.open(this.request, this.listener);
    this.#current = second;
    for (const again of this.#replay.splice(0)) again(second);
  }

  protected forward(action: (stream: ExecStream) => void): void {
    if (!this.#opened && !this.#fellBack) this.#replay.push(action);
    if (this.#current) action(this.#current);
  }

  write(data: Uint8Array, sent?: () => void): void {
    const copy = data.slice(); // the caller may reuse its buffer before a replay
    // told once, by the stream that carries it (a replayed write may be sent twice)
    let told = false;
    const once = sent && (() => !told && ((told = true), sent()));
    this.forward((stream) => stream.write(copy, once));
  }

  close(): void {
    this.#closed = true;
    this.#current?.close();
  }
}
