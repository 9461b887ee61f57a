// The status code an upgrade request was answered with. An upgrade's answer is written straight
// onto its socket, by whichever part answers (a refusal of ours, ws's handshake, the SPDY
// transport's 101), so the code is read off the first bytes written there.
import type { Duplex } from 'node:stream';

export function watchUpgradeAnswer(socket: Duplex): () => number | undefined {
  let code: number | undefined;
  const write = socket.write;
  const end = socket.end;
  const observe = (chunk: unknown) => {
    if (code !== undefined || chunk === undefined || typeof chunk === 'function') return;
    const head = typeof chunk === 'string' ? chunk.slice(0, 16) : Buffer.from(chunk as Uint8Array).subarray(0, 16).toString('latin1');
    code = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0) || undefined;
    // The answer is known (or this was no answer): the socket's own methods take over again.
    socket.write = write;
    socket.end = end;
  };
  socket.write = function (this: Duplex, chunk: unknown, ...rest: unknown[]) {
    observe(chunk);
    return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
  } as Duplex['write'];
  socket.end = function (this: Duplex, chunk?: unknown, ...rest: unknown[]) {
    observe(chunk);
    return (end as (...args: unknown[]) => Duplex).call(this, chunk, ...rest);
  } as Duplex['end'];
  return () => code;
}
