// The data plane's tests' stand-ins: a system with one interactive session whose output a test
// emits at exact moments (and that records the pauses and resumes of its upstream), and a socket
// that keeps what it was sent, in order, and writes it out at once.
import { LOCAL_CALLER } from '../../src/server/caller.ts';
import type { HubSocket } from '../../src/server/hub-sockets.ts';
import type { ExecSystem } from '../../src/runtime/exec-system.ts';
import type { TerminalIoEvents } from '../../src/runtime/terminal-io.ts';
import type { ServerMessage, SessionRow } from '../../src/protocol/index.ts';
import { FrameKind, decodeFrame } from '../../src/protocol/frames.ts';
import { TokenBucket } from '../../src/domain/token-bucket.ts';

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array) => new TextDecoder().decode(data);

/** A system with one interactive session `t1`, and the output events it would send. */
export function standIn() {
  const io: Partial<TerminalIoEvents>[] = [];
  const paused: boolean[] = [];
  const row = { sessionId: 't1', interactive: true, state: 'interactive', size: { cols: 40, rows: 10 } } as SessionRow;
  const system = {
    io: { listen: (l: Partial<TerminalIoEvents>) => (io.push(l), () => {}), isRunning: () => true, isInputHeld: () => false, input: () => true, pause: () => paused.push(true), resume: () => paused.push(false) },
    sessionList: { byId: { t1: row } as Record<string, SessionRow> },
    holds: () => true,
    onEntry: () => () => {}, // the share viewers' (none here)
  } as unknown as ExecSystem;
  const output = (chunk: string | Uint8Array) => io.forEach((l) => l.output?.('t1', 'stdout', typeof chunk === 'string' ? bytes(chunk) : chunk));
  return { system, output, paused, row };
}

/** A socket that keeps what it was sent, in order: messages as JSON, frames as {kind, text}; `payloads` has each frame's bytes as sent (a character split between frames is not text). */
export function recordingSocket() {
  const got: (ServerMessage | { kind: FrameKind; text: string })[] = [];
  const payloads: Uint8Array[] = [];
  const socket: HubSocket = {
    send: (m) => void got.push(m),
    sendLatest: (_key, m) => void got.push(m),
    owedForGone: () => {},
    sendFrame: (frame, written) => {
      const f = decodeFrame(frame);
      if (typeof f === 'string') throw new Error(f);
      got.push({ kind: f.kind, text: text(f.payload) });
      payloads.push(f.payload.slice());
      if (written) queueMicrotask(written); // written out at once, as by a socket with room: after the send, never during it
      return true;
    },
    error: (code, message) => void got.push({ type: 'error', code, message }),
    inputBytes: new TokenBucket(1e6, 1e6),
    caller: LOCAL_CALLER,
  };
  return { socket, got, payloads };
}

/** Waits until the recording sockets have written out everything sent so far (and what that set off). */
export const writtenOut = () => new Promise((resolve) => setTimeout(resolve, 0));
