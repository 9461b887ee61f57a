// A loopback port free right now, for a program that takes its port on the command line or in
// a file rather than picking one itself. Another process may take it before the program binds
// it: callers that can tell (the program says "Address already in use") try another.
import { createServer, type AddressInfo } from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * `start` on a port picked free, once more on another (up to `attempts` in all) when it is refused
 * with EADDRINUSE: for a server that must know its port before it binds (a replica advertises its
 * address to the others), which a listen(0) elsewhere can take between the pick and the bind.
 */
export async function onFreePort<T>(start: (port: number) => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      return await start(port);
    } catch (error) {
      if (attempt >= attempts || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    }
  }
}
