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
