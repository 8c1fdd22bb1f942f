// Live feed: scored events and customer state changes from GET /v1/feed, newest first.
import { byId, element, setPanelState } from './dom.js';
import { authorizationHeaders } from './api-key.js';
import { formatDecimal, formatTime } from './format.js';

/** Entries kept on the page; older ones are dropped as new ones arrive. */
export const FEED_LIMIT = 50;

/** Emotion labels shown in red and in green. */
const NEGATIVE_LABELS = new Set(['angry', 'frustrated']);
const POSITIVE_LABELS = new Set(['satisfied', 'delighted']);

function emotionClass(label) {
  if (NEGATIVE_LABELS.has(label)) {
    return 'emotion-negative';
  }
  return POSITIVE_LABELS.has(label) ? 'emotion-positive' : '';
}

/** Builds the list item of one feed message. Every value is set as text. */
function feedEntry(kind, message) {
  const item = element('li', { attributes: { 'data-kind': kind } });
  item.dataset.customerId = message.customerId;
  if (kind === 'event.scored') {
    const label = message.emotion.label ?? 'no emotion';
    item.append(
      element('span', { className: 'feed-time', text: formatTime(message.occurredAt) }),
      element('span', { className: 'feed-kind', text: `${message.type} at ${message.touchpoint}` }),
      element('span', { className: 'feed-customer', text: message.customerId }),
      element('span', {
        className: `feed-detail ${emotionClass(message.emotion.label)}`,
        text: `${message.journey ?? 'no journey'} / ${message.stage}: ${label} (valence ${formatDecimal(message.emotion.valence)})`,
      }),
    );
  } else {
    item.append(
      element('span', { className: 'feed-time', text: formatTime(message.at) }),
      element('span', { className: 'feed-kind', text: 'customer changed' }),
      element('span', { className: 'feed-customer', text: message.customerId }),
      element('span', {
        className: `feed-detail ${emotionClass(message.emotion.to)}`,
        text: `stage ${message.stage.from ?? '—'} → ${message.stage.to ?? '—'}, emotion ${message.emotion.from ?? '—'} → ${message.emotion.to ?? '—'}`,
      }),
    );
  }
  return item;
}

/** Delay before reconnecting after the stream ended or failed, in milliseconds. */
const RECONNECT_DELAY_MS = 3000;

/**
 * Splits one Server-Sent Events block into its event type and data. Data lines are joined
 * with newlines, as the SSE format defines; a block without data yields undefined.
 */
function parseEventBlock(block) {
  let type = 'message';
  const data = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('event:')) {
      type = line.slice(6).trim();
    } else if (line.startsWith('data:')) {
      data.push(line.slice(5).replace(/^ /, ''));
    }
  }
  return data.length === 0 ? undefined : { type, data: data.join('\n') };
}

/**
 * Opens the feed and keeps it open. EventSource cannot send an Authorization header, so
 * the stream is read with fetch and parsed here. After a network failure or the end of
 * the stream the panel reconnects; a rejected key (401 or 403) stops it. Returns a
 * function that closes the feed.
 */
export function startFeed() {
  const panel = byId('feed-panel');
  const list = byId('feed-list');
  const controller = new AbortController();

  const show = (kind, data) => {
    let message;
    try {
      message = JSON.parse(data);
    } catch {
      return;
    }
    list.prepend(feedEntry(kind, message));
    while (list.children.length > FEED_LIMIT) {
      list.lastElementChild?.remove();
    }
  };

  const connect = async () => {
    let response;
    try {
      response = await fetch('/v1/feed', {
        headers: { accept: 'text/event-stream', ...authorizationHeaders() },
        signal: controller.signal,
      });
    } catch {
      return 'retry';
    }
    if (response.status === 401 || response.status === 403) {
      const body = await response.json().catch(() => undefined);
      setPanelState(panel, 'error', `The feed rejected the API key (${response.status}): ${body?.message ?? response.statusText}`);
      return 'stop';
    }
    if (!response.ok || response.body === null) {
      return 'retry';
    }
    setPanelState(panel, 'ready', `Connected. The newest ${FEED_LIMIT} messages stay listed.`);
    // A reader, not `for await`: some browsers still lack async iteration of streams.
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) {
          break;
        }
        buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, '\n');
        let boundary = buffer.indexOf('\n\n');
        while (boundary !== -1) {
          const event = parseEventBlock(buffer.slice(0, boundary));
          buffer = buffer.slice(boundary + 2);
          if (event !== undefined && (event.type === 'event.scored' || event.type === 'customer.changed')) {
            show(event.type, event.data);
          }
          boundary = buffer.indexOf('\n\n');
        }
      }
    } catch {
      // The connection broke; the loop below reconnects unless the feed was closed.
    }
    return 'retry';
  };

  const run = async () => {
    while (!controller.signal.aborted) {
      if ((await connect()) === 'stop' || controller.signal.aborted) {
        return;
      }
      setPanelState(panel, 'loading', 'Reconnecting to the feed…');
      await new Promise((resolve) => setTimeout(resolve, RECONNECT_DELAY_MS));
    }
  };
  void run();
  return () => controller.abort();
}
