// The JSON control messages a client sends on the terminal socket (src/protocol/, docs/api.md
// "Client → server"), checked field by field. Anything else becomes a problem the hub sends back
// as an error message: never a throw, never a crash.
import { nameProblem } from '../domain/names.ts';
import { CLIENT_MESSAGE_TYPES, MAX_CONTROL_BYTES, MAX_TERMINAL_SIZE, isId, type ClientMessage, type ErrorCode } from '../protocol/index.ts';

export interface MessageProblem {
  problem: ErrorCode;
  message: string;
  sessionId?: string;
}

const sessionTypes = ['attach', 'detach', 'resize', 'ack', 'eof'] as const;
const knownTypes: readonly string[] = CLIENT_MESSAGE_TYPES;

export function isProblem(parsed: ClientMessage | MessageProblem): parsed is MessageProblem {
  return 'problem' in parsed;
}

export function parseClientMessage(data: Uint8Array): ClientMessage | MessageProblem {
  if (data.length > MAX_CONTROL_BYTES) return { problem: 'badMessage', message: `Control messages are at most ${MAX_CONTROL_BYTES} bytes.` };
  let m: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(data));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    m = parsed as Record<string, unknown>;
  } catch {
    return { problem: 'badMessage', message: 'A text frame must be one JSON object with a "type".' };
  }
  const type = m.type;
  if (typeof type !== 'string' || !knownTypes.includes(type)) {
    // named only when it is a string: String() of a JSON object with a "toString" member throws
    const named = typeof type === 'string' ? JSON.stringify(type).slice(0, 40) : `(${type === null ? 'null' : typeof type})`;
    return { problem: 'unknownType', message: `Unknown message type ${named}: use ${knownTypes.join(', ')}.` };
  }
  if (type === 'ping') return { type, ...(typeof m.id === 'string' || typeof m.id === 'number' ? { id: m.id } : {}) };
  if (type === 'watchPods' || type === 'unwatchPods') {
    const problem = nameProblem('namespace', m.namespace);
    if (problem) return { problem: 'badMessage', message: problem };
    if (m.context !== undefined && (typeof m.context !== 'string' || m.context === '' || m.context.length > 253)) return { problem: 'badMessage', message: '"context" must be a context name.' };
    return { type, namespace: m.namespace as string, ...(m.context !== undefined ? { context: m.context as string } : {}) };
  }
  const sessionId = m.sessionId;
  if (!isId(sessionId)) return { problem: 'badMessage', message: `"${type}" needs a sessionId.` };
  switch (type as (typeof sessionTypes)[number]) {
    case 'attach': {
      const { from, ack, screen, catchUp } = m;
      if (from !== undefined && (typeof from !== 'number' || !Number.isSafeInteger(from) || from < 0)) return { problem: 'badMessage', message: '"from" must be a byte offset (a whole number ≥ 0).', sessionId };
      if (ack !== undefined && typeof ack !== 'boolean') return { problem: 'badMessage', message: '"ack" must be true or false.', sessionId };
      if (screen !== undefined && typeof screen !== 'boolean') return { problem: 'badMessage', message: '"screen" must be true or false.', sessionId };
      if (catchUp !== undefined && catchUp !== 'screen') return { problem: 'badMessage', message: '"catchUp" must be "screen" (caught up with the screen when this viewer lags), or left out.', sessionId };
      return { type: 'attach', sessionId, from: (from as number | undefined) ?? 0, ack: ack !== false, ...(screen ? { screen } : {}), ...(catchUp ? { catchUp } : {}) };
    }
    case 'resize': {
      const { cols, rows } = m;
      if (typeof cols !== 'number' || typeof rows !== 'number' || !Number.isFinite(cols) || !Number.isFinite(rows)) {
        return { problem: 'badResize', message: 'resize needs numeric "cols" and "rows".', sessionId };
      }
      const clamp = (n: number) => Math.min(MAX_TERMINAL_SIZE, Math.max(1, Math.round(n)));
      return { type: 'resize', sessionId, cols: clamp(cols), rows: clamp(rows) };
    }
    case 'ack': {
      const bytes = m.bytes;
      if (typeof bytes !== 'number' || !Number.isSafeInteger(bytes) || bytes < 0) {
        return { problem: 'badAck', message: 'ack needs "bytes": a whole number of bytes written to the screen since the last ack.', sessionId };
      }
      return { type: 'ack', sessionId, bytes };
    }
    case 'detach':
      return { type: 'detach', sessionId };
    case 'eof':
      return { type: 'eof', sessionId };
  }
}
