// A TCP forwarder between two parts of the system that can cut every connection through it at
// once, as a network fault or a proxy restart would: what reconnects must carry on exactly.
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface TcpCutter {
  port: number;
  /** where it forwards from now on: for a target that binds after the cutter has its port */
  forwardTo(port: number): void;
  /** destroys every connection through it now (new ones still pass) */
  cut(): number;
  /** cuts everything and refuses what comes, until release(): the far side unreachable */
  hold(): void;
  release(): void;
  close(): Promise<void>;
}

/** Forwards to `targetPort` (none yet: a connection is refused until forwardTo). */
export async function startTcpCutter(targetPort?: number): Promise<TcpCutter> {
  let target = targetPort;
  const open = new Set<Socket>();
  let held = false;
  const server: Server = createServer((client) => {
    if (held || target === undefined) return void client.destroy();
    const upstream = connect(target, '127.0.0.1');
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.on('close', () => open.delete(socket));
      socket.on('error', () => {});
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    forwardTo: (port) => void (target = port),
    cut: () => {
      const count = open.size;
      for (const socket of open) socket.destroy();
      return count;
    },
    hold: () => {
      held = true;
      for (const socket of open) socket.destroy();
    },
    release: () => {
      held = false;
    },
    close: async () => {
      for (const socket of open) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
