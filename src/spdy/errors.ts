// The one error type the SPDY layer raises for bad input from the peer. Everything a peer can
// send wrong ends up here with a code, so callers (and the session) can tell a protocol
// violation from a bug in our own code without parsing messages.

export type SpdyErrorCode =
  | 'unsupported-version'
  | 'frame-too-large'
  | 'invalid-frame' // a frame whose fixed fields or length do not fit its type
  | 'invalid-header-block' // compressed block that does not inflate, or a malformed name/value list
  | 'header-block-too-large'
  | 'protocol-error'; // a well-formed frame that breaks the session rules (wrong stream id, …)

export class SpdyProtocolError extends Error {
  override readonly name = 'SpdyProtocolError';
  constructor(
    readonly code: SpdyErrorCode,
    message: string,
  ) {
    super(message);
  }
}
