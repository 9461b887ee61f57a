// What a SpdySession is made with, and what it tells: the types, apart from the session itself.
import type { FrameParserOptions } from './parser.ts';
import type { SocketReading } from './overrun-brake.ts';
import type { SpdyStream } from './stream.ts';

export type SpdyRole = 'client' | 'server';

export interface SpdySessionOptions extends FrameParserOptions {
  role: SpdyRole;
  /** bytes that arrived together with the HTTP upgrade response/request (node's `head`) */
  head?: Uint8Array;
  /** our receive window per stream; announced with SETTINGS when it is not the default 64 KiB */
  initialWindowSize?: number;
  /**
   * Announce the window with SETTINGS even when it is the default. A peer that does flow control
   * only once it sees the other side does (ours, in 'auto') then keeps to it from its first byte,
   * instead of overrunning a stream whose reader holds back until our first WINDOW_UPDATE.
   */
  announceWindow?: boolean;
  /** 'strict': hold DATA back by the peer's windows always; 'auto' (default): see data-sender.ts */
  peerFlowControl?: 'auto' | 'strict';
  /**
   * How to stop and restart reading the socket while the peer sends more than we take (overrun-brake.ts). Default: pause
   * and resume it; a runtime whose paused TLS socket reads on needs more (the exec adapter's dial).
   */
  reading?: SocketReading;
}

export interface SpdySessionEvents {
  /** the peer opened a stream (SYN_STREAM); answer with stream.reply() or stream.reset() */
  stream: [stream: SpdyStream];
  /** the peer will accept no new streams; those above lastGoodStreamId were never processed */
  goaway: [lastGoodStreamId: number, status: number];
  /** the connection is gone; every stream has been destroyed (without an error). `error` if it failed */
  close: [error?: Error];
  /** the peer pinged us (answered already): it is alive, even if it reads nothing now */
  peerPing: [];
}
