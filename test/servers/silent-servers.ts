/**
 * Endpoints that misbehave at the TCP level, for deadline tests: a server that accepts connections and never
 * answers (a black hole: a hung load balancer, a firewall that drops replies), and a proxy to a real server that
 * holds every response for a while before passing it on (a very slow endpoint). Both count the connections they
 * accepted, so a test can show that a request was really sent there.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

/** A running misbehaving endpoint. */
export interface SilentServer {
  /** `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  /** Connections accepted so far. */
  connections(): number;
  /** Connections still open (a client that gave up closes its socket). */
  openConnections(): number;
  /** Close every connection and stop listening. */
  close(): Promise<void>;
}

async function listen(onSocket: (socket: Socket) => void): Promise<SilentServer> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server: Server = createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    onSocket(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    connections: () => accepted,
    openConnections: () => sockets.size,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A server that accepts every connection, reads what it is sent, and never answers. */
export function startBlackHole(): Promise<SilentServer> {
  return listen((socket) => socket.resume());
}

/**
 * A proxy to `target` (`http://host:port`) that passes requests on at once and holds each chunk of the answer for
 * `delayMs` before passing it back: every request gets its real answer, `delayMs` late. With `only`, just the
 * answers to requests whose text (headers included) matches it are late, e.g. `/CreateTable/` for one DynamoDB
 * operation (its `X-Amz-Target` header).
 */
export function startSlowProxy(target: string, delayMs: number, only?: RegExp): Promise<SilentServer> {
  const { hostname, port } = new URL(target);
  return listen((socket) => {
    const upstream = connect(Number(port), hostname);
    let late = only === undefined;
    // The request bytes sent since the last answer began: the next answer is late when they match `only`.
    let request = '';
    upstream.on('error', () => socket.destroy());
    socket.on('close', () => upstream.destroy());
    socket.on('data', (chunk: Buffer) => {
      request += chunk.toString('latin1');
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (only !== undefined && chunk.toString('latin1', 0, 5) === 'HTTP/') {
        late = only.test(request);
        request = '';
      }
      if (!late) return void (socket.writable && socket.write(chunk));
      const timer = setTimeout(() => socket.writable && socket.write(chunk), delayMs);
      socket.once('close', () => clearTimeout(timer));
    });
    upstream.on('end', () => setTimeout(() => socket.end(), late ? delayMs : 0));
  });
}
