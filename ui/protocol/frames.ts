// Binary frames of the terminal socket: the server's own encoder and decoder (pure code, shared
// so the two sides cannot drift), re-exported for the browser side.
export { FrameKind, decodeFrame, encodeFrame } from '../../src/server/stream-frames.ts';
