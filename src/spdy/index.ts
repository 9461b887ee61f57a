// SPDY/3.1 as Kubernetes exec, attach and port-forward use it: frames, header blocks with the
// SPDY/3 dictionary, and a session with streams and flow control. See docs/spdy.md.
export { SPDY3_DICTIONARY } from './dictionary.ts';
export { type SpdyErrorCode, SpdyProtocolError } from './errors.ts';
export { DEFAULT_INITIAL_WINDOW_SIZE } from './flow-control.ts';
export { encodeFrame, type Frame, GoAwayStatus, RstStatus } from './frames.ts';
export { decodeHeaderBlock, encodeHeaderBlock, type SpdyHeaders } from './header-block.ts';
export { FrameParser, type FrameParserOptions } from './parser.ts';
export { type SpdyRole, SpdySession, type SpdySessionEvents, type SpdySessionOptions } from './session.ts';
export { SpdyStream, SpdyStreamResetError } from './stream.ts';
