// A server's hello as a test's fake server sends it: empty lists and the default limits unless told otherwise.
import { MAX_TERMINAL_SIZE, PROTOCOL_VERSION, type ServerMessage } from '../../src/protocol/index.ts';

type Hello = Extract<ServerMessage, { type: 'hello' }>;

export function hello(parts: Partial<Omit<Hello, 'type'>> = {}): Hello {
  return {
    type: 'hello',
    protocol: PROTOCOL_VERSION,
    sessions: [],
    alerts: [],
    batches: [],
    limits: { maxPayload: 262_144, scrollbackBytes: 1_048_576, highWatermark: 65_536, lowWatermark: 16_384, pingIntervalMs: 15_000, messagesPerSecond: 200, inputBytesPerSecond: 4_194_304, maxTerminalSize: MAX_TERMINAL_SIZE },
    ...parts,
  };
}
