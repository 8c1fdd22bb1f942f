// Live feed: scored events and customer state changes from GET /v1/feed, newest first.
import { byId, element, setPanelState } from './dom.js';
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

/**
 * Opens the feed. EventSource reconnects by itself after an error, so the panel only
 * reports the connection state.
 */
export function startFeed() {
  const panel = byId('feed-panel');
  const list = byId('feed-list');
  const source = new EventSource('/v1/feed');

  const prepend = (kind) => (event) => {
    let message;
    try {
      message = JSON.parse(event.data);
    } catch {
      return;
    }
    list.prepend(feedEntry(kind, message));
    while (list.children.length > FEED_LIMIT) {
      list.lastElementChild?.remove();
    }
  };
  source.addEventListener('event.scored', prepend('event.scored'));
  source.addEventListener('customer.changed', prepend('customer.changed'));
  source.addEventListener('open', () => setPanelState(panel, 'ready', `Connected. The newest ${FEED_LIMIT} messages stay listed.`));
  source.addEventListener('error', () => {
    const closed = source.readyState === EventSource.CLOSED;
    setPanelState(panel, closed ? 'error' : 'loading', closed ? 'The feed closed. Reload the page to reconnect.' : 'Reconnecting to the feed…');
  });
  return source;
}
