// Binary frames of the terminal socket (docs/api.md, "The socket protocol"): terminal bytes
// travel as they are, never base64 in JSON, each frame addressed by its session id.
//
//   byte 0      kind (FrameKind)
//   byte 1      n = length of the session id in bytes (1..64)
//   bytes 2..   the session id, ASCII
//   rest        payload: terminal bytes
import { isId, MAX_ID_LENGTH } from './ids.ts';

export enum FrameKind {
  /** server → client: output of a session (a TTY's only stream, or stdout) */
  Stdout = 0x01,
  /** server → client: stderr of a non-TTY session */
  Stderr = 0x02,
  /** server → client: a serialized screen, drawn before the live output (attach with `screen`); not counted in offsets */
  Screen = 0x03,
  /** client → server: keystrokes or a paste for a session */
  Input = 0x10,
}


export interface Frame {
  kind: FrameKind;
  sessionId: string;
  payload: Uint8Array;
}

export function encodeFrame(kind: FrameKind, sessionId: string, payload: Uint8Array): Uint8Array {
  if (!isId(sessionId)) throw new Error(`session id "${sessionId}" cannot be framed`);
  const frame = new Uint8Array(2 + sessionId.length + payload.length);
  frame[0] = kind;
  frame[1] = sessionId.length;
  for (let i = 0; i < sessionId.length; i++) frame[2 + i] = sessionId.charCodeAt(i);
  frame.set(payload, 2 + sessionId.length);
  return frame;
}

/** The frame, or a sentence saying what is wrong with it. */
export function decodeFrame(data: Uint8Array): Frame | string {
  if (data.length < 3) return 'A binary frame needs a kind byte, a session id length and a session id.';
  const kind = data[0];
  if (kind !== FrameKind.Stdout && kind !== FrameKind.Stderr && kind !== FrameKind.Screen && kind !== FrameKind.Input) return `Unknown binary frame kind ${kind}.`;
  const length = data[1];
  if (length < 1 || length > MAX_ID_LENGTH || data.length < 2 + length) return 'The binary frame\'s session id length does not fit the frame.';
  let sessionId = '';
  for (let i = 0; i < length; i++) sessionId += String.fromCharCode(data[2 + i]);
  if (!isId(sessionId)) return 'The binary frame\'s session id has characters a session id never has.';
  return { kind, sessionId, payload: data.subarray(2 + length) };
}
