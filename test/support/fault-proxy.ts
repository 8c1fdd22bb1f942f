import net from 'node:net';

/**
 * A TCP proxy on 127.0.0.1 in front of a real server, for fault tests. It forwards bytes
 * unchanged in both directions, and on request drops every open connection (as a server
 * restart does) and rejects new ones until {@link accept} (the port is closed, so clients
 * get ECONNREFUSED).
 */
export class FaultProxy {
  private server: net.Server | undefined;
  private readonly connections = new Set<net.Socket>();
  private portNumber = 0;

  private constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  /** Starts a proxy on a free port of 127.0.0.1 that forwards to `targetHost:targetPort`. */
  static async start(targetHost: string, targetPort: number): Promise<FaultProxy> {
    const proxy = new FaultProxy(targetHost, targetPort);
    await proxy.accept();
    return proxy;
  }

  /** Starts a proxy in front of the host and port of `url`, such as a DATABASE_URL or REDIS_URL. */
  static async forUrl(url: string, defaultPort: number): Promise<FaultProxy> {
    const parsed = new URL(url);
    return FaultProxy.start(parsed.hostname, parsed.port === '' ? defaultPort : Number(parsed.port));
  }

  get port(): number {
    return this.portNumber;
  }

  /** Returns `url` with its host and port replaced by the proxy's. */
  rewrite(url: string): string {
    const parsed = new URL(url);
    parsed.hostname = '127.0.0.1';
    parsed.port = String(this.portNumber);
    return parsed.toString();
  }

  /** Connections open through the proxy right now. */
  get openConnections(): number {
    return this.connections.size / 2;
  }

  /** Listens again, on the same port as before once it had one, and forwards new connections. */
  async accept(): Promise<void> {
    if (this.server !== undefined) {
      return;
    }
    const server = net.createServer((client) => this.forward(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.portNumber, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.portNumber = (server.address() as net.AddressInfo).port;
    this.server = server;
  }

  /** Resets every open connection in both directions, as when the server process dies. */
  dropConnections(): void {
    for (const socket of this.connections) {
      socket.resetAndDestroy();
    }
    this.connections.clear();
  }

  /** Stops listening, so new connections get ECONNREFUSED, and drops the open ones. */
  async reject(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    const closed = server === undefined ? Promise.resolve() : new Promise<void>((resolve) => server.close(() => resolve()));
    this.dropConnections();
    await closed;
  }

  async close(): Promise<void> {
    await this.reject();
  }

  private forward(client: net.Socket): void {
    const upstream = net.connect(this.targetPort, this.targetHost);
    this.connections.add(client);
    this.connections.add(upstream);
    const forget = (): void => {
      this.connections.delete(client);
      this.connections.delete(upstream);
    };
    // A failure of either side ends both, the way a real peer's connection ends.
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => {
      upstream.destroy();
      forget();
    });
    upstream.on('close', () => {
      client.destroy();
      forget();
    });
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
