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

/**
 * HTTP/1.1 client for one port of 127.0.0.1 over keep-alive connections. It uses
 * node:http rather than fetch because the load generator shares the CPU cores with
 * Wayline, and node:http costs less CPU per request on Node 20.
 */
export class LocalHttpClient {
  private readonly agent: http.Agent;

  constructor(
    readonly port: number,
    maxSockets: number,
    private readonly timeoutMs = 30_000,
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  }

  get(path: string): Promise<HttpResponse> {
    return this.request('GET', path);
  }

  /** Sends `body` as JSON; a string is sent as it is. */
  post(path: string, body: unknown): Promise<HttpResponse> {
    return this.request('POST', path, typeof body === 'string' ? body : JSON.stringify(body));
  }

  /** Rejects with HttpRequestError on a network error or timeout, never on an HTTP status. */
  request(method: string, path: string, body?: string): Promise<HttpResponse> {
    return new Promise((resolve, reject) => {
      const headers: http.OutgoingHttpHeaders = { accept: 'application/json' };
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

  /** Sends a JSON request and parses the JSON answer; rejects unless the status is `expectedStatus`. */
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
