/**
 * Port probes on 127.0.0.1. "Free" means we could bind it right now; "open" means something
 * accepts connections on it. Both are needed: a port can be unbindable yet not accept (TIME_WAIT
 * is not an issue for listeners, but another process's half-started listener is).
 */
import { createConnection, createServer } from 'node:net';

const HOST = '127.0.0.1';

export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: HOST, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** A port the OS considers free at this instant (it can be taken before we bind it; callers retry). */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port: 0, host: HOST, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

export function isPortOpen(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: HOST });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * The controller port: the one recorded last time (so the KRaft quorum keeps its address), else
 * port+1, else any free port. Never returns `port` itself.
 */
export async function chooseControllerPort(port: number, previous: number | undefined): Promise<number> {
  for (const candidate of [previous, port + 1]) {
    if (candidate !== undefined && candidate !== port && candidate < 65536 && (await isPortFree(candidate))) {
      return candidate;
    }
  }
  for (;;) {
    const candidate = await findFreePort();
    if (candidate !== port) return candidate;
  }
}
