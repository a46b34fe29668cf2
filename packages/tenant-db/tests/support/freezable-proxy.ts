import { createConnection, createServer, type Socket } from 'node:net';

/**
 * A TCP proxy to a real server that can be frozen: from then on it still accepts connections and keeps
 * them open but passes no byte either way, like a database behind a network that drops packets.
 */
export interface FreezableProxy {
  port: number;
  freeze(): void;
  close(): Promise<void>;
}

export const startFreezableProxy = (target: { host: string; port: number }, options: { frozen?: boolean } = {}): Promise<FreezableProxy> =>
  new Promise((resolve, reject) => {
    let frozen = options.frozen ?? false;
    const sockets = new Set<Socket>();
    const track = (socket: Socket): void => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    };
    const relay = (from: Socket, to: Socket): void => {
      from.on('data', (chunk) => {
        if (!frozen) to.write(chunk);
      });
      from.on('end', () => to.end());
    };
    const server = createServer((client) => {
      track(client);
      if (frozen) return;
      const upstream = createConnection(target);
      track(upstream);
      relay(client, upstream);
      relay(upstream, client);
    });
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({
        port: typeof address === 'object' && address !== null ? address.port : 0,
        freeze: () => {
          frozen = true;
        },
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
