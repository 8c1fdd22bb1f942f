/** One Server-Sent Event as received: its type and its parsed JSON data. */
export interface ReceivedSseEvent {
  type: string;
  data: unknown;
}

/**
 * A minimal SSE reader over fetch, for tests: it collects events until `close()`.
 * Only `event:` and single-line `data:` fields are parsed, which is what Nest sends.
 */
export class SseClient {
  readonly events: ReceivedSseEvent[] = [];
  private readonly controller = new AbortController();
  private reading: Promise<void> | undefined;

  /** Opens the stream with `key` as the bearer API key, or with no key when it is undefined. */
  static async open(url: string, key: string | undefined): Promise<{ client: SseClient; status: number; body?: unknown }> {
    const client = new SseClient();
    const headers: Record<string, string> = { accept: 'text/event-stream' };
    if (key !== undefined) {
      headers.authorization = `Bearer ${key}`;
    }
    const response = await fetch(url, { headers, signal: client.controller.signal });
    if (!response.ok || response.body === null) {
      return { client, status: response.status, body: await response.json().catch(() => undefined) };
    }
    client.reading = client.read(response.body);
    return { client, status: response.status };
  }

  async close(): Promise<void> {
    this.controller.abort();
    await this.reading?.catch(() => undefined);
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of body) {
      buffer += decoder.decode(chunk, { stream: true });
      let boundary = buffer.indexOf('\n\n');
      while (boundary !== -1) {
        this.parseBlock(buffer.slice(0, boundary));
        buffer = buffer.slice(boundary + 2);
        boundary = buffer.indexOf('\n\n');
      }
    }
  }

  private parseBlock(block: string): void {
    let type = 'message';
    let data: string | undefined;
    for (const line of block.split('\n')) {
      if (line.startsWith('event:')) {
        type = line.slice(6).trim();
      } else if (line.startsWith('data:')) {
        data = line.slice(5).trim();
      }
    }
    if (data !== undefined) {
      this.events.push({ type, data: JSON.parse(data) });
    }
  }
}
