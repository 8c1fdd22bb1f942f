import http from 'node:http';

/** The only host the benchmark sends requests to. */
export const LOCAL_HOST = '127.0.0.1';

export interface HttpResponse {
  status: number;
  body: string;
}

export class HttpRequestError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HttpRequestError';
  }
}

/** Below the server's keep-alive timeout; see the agent in LocalHttpClient. */
const IDLE_SOCKET_TIMEOUT_MS = 4_000;

export interface LocalHttpClientOptions {
  maxSockets: number;
  /**
   * Reuse connections (default true). A server whose event loop is blocked for longer
   * than its keep-alive timeout may close a connection that already carries the next
   * request, and the client then gets ECONNRESET. A request that must not be repeated,
   * and must not fail that way, needs a connection of its own.
   */
  keepAlive?: boolean;
  timeoutMs?: number;
  /** API key sent as `Authorization: Bearer <key>` with every request; none when unset. */
  apiKey?: string;
}

/**
 * HTTP/1.1 client for one port of 127.0.0.1. It uses node:http rather than fetch
 * because the load generator shares the CPU cores with Wayline: on Node 20.20, a local
 * test of 20,000 keep-alive GETs measured fetch at about four times the CPU per request.
 */
export class LocalHttpClient {
  private readonly agent: http.Agent;
  private readonly timeoutMs: number;
  private readonly authorization: string | undefined;
  /** GET requests sent again after the server reset a reused connection. */
  resetsRetried = 0;

  constructor(
    readonly port: number,
    options: LocalHttpClientOptions,
  ) {
    const keepAlive = options.keepAlive ?? true;
    // Idle connections close on the client's side after IDLE_SOCKET_TIMEOUT_MS, before the
    // server's keep-alive timeout (Node's default of 5 s) closes one that the client is just
    // reusing. That race failed 2 of 1,760 requests with "socket hang up".
    this.agent = new http.Agent({ keepAlive, maxSockets: options.maxSockets, maxFreeSockets: options.maxSockets, timeout: IDLE_SOCKET_TIMEOUT_MS });
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.authorization = options.apiKey === undefined ? undefined : `Bearer ${options.apiKey}`;
  }

  get(path: string): Promise<HttpResponse> {
    return this.request('GET', path);
  }

  /** Sends `body` as JSON, or as it is when it is already a string. */
  post(path: string, body: unknown): Promise<HttpResponse> {
    return this.request('POST', path, typeof body === 'string' ? body : JSON.stringify(body));
  }

  /** Rejects with HttpRequestError on a network error or timeout, never on an HTTP status. */
  request(method: string, path: string, body?: string): Promise<HttpResponse> {
    return new Promise((resolve, reject) => {
      const headers: http.OutgoingHttpHeaders = { accept: 'application/json' };
      if (this.authorization !== undefined) {
        headers.authorization = this.authorization;
      }
      if (body !== undefined) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = Buffer.byteLength(body);
      }
      const request = http.request(
        { host: LOCAL_HOST, port: this.port, method, path, agent: this.agent, headers },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          response.on('error', (error) => reject(new HttpRequestError(`${method} ${path} failed while reading the response`, { cause: error })));
        },
      );
      request.setTimeout(this.timeoutMs, () => {
        request.destroy(new HttpRequestError(`${method} ${path} timed out after ${this.timeoutMs} ms`));
      });
      request.on('error', (error) => {
        reject(error instanceof HttpRequestError ? error : new HttpRequestError(`${method} ${path} failed: ${error.message}`, { cause: error }));
      });
      request.end(body);
    });
  }

  /**
   * Sends a GET that only reads, and sends it once more when the server reset the reused
   * connection (see {@link LocalHttpClientOptions.keepAlive}). Never use it for a GET that
   * writes, such as next-best-offer, which records a decision.
   */
  async getReadOnly(path: string): Promise<HttpResponse> {
    try {
      return await this.request('GET', path);
    } catch (error) {
      if (!(error instanceof HttpRequestError) || !isConnectionReset(error)) {
        throw error;
      }
      this.resetsRetried += 1;
      return this.request('GET', path);
    }
  }

  /** Sends a JSON request and parses the JSON response. Rejects unless the status is `expectedStatus`. */
  async requestJson<T>(method: string, path: string, body: unknown, expectedStatus: number): Promise<T> {
    const response = await this.request(method, path, body === undefined ? undefined : JSON.stringify(body));
    if (response.status !== expectedStatus) {
      throw new HttpRequestError(
        `${method} ${path} returned ${response.status}, expected ${expectedStatus}: ${response.body.slice(0, 500)}`,
      );
    }
    return JSON.parse(response.body) as T;
  }

  close(): void {
    this.agent.destroy();
  }
}

function isConnectionReset(error: HttpRequestError): boolean {
  return (error.cause as NodeJS.ErrnoException | undefined)?.code === 'ECONNRESET';
}
