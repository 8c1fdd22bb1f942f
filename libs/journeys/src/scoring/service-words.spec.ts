import vaderSentiment from 'vader-sentiment';
import { SERVICE_WORD_VALENCES, VALENCE_PROXY_WORDS, rewriteServiceWords } from './service-words.ts';

function vaderCompound(text: string): number {
  return vaderSentiment.SentimentIntensityAnalyzer.polarity_scores(text).compound;
}

describe('VALENCE_PROXY_WORDS', () => {
  it.each([...VALENCE_PROXY_WORDS])('scores valence %d with %j', (valence, proxy) => {
    // vader-sentiment normalizes one word's valence v to v / sqrt(v^2 + 15), rounded to 4 decimals.
    const expected = Math.round((valence / Math.sqrt(valence * valence + 15)) * 10_000) / 10_000;
    expect(vaderCompound(proxy)).toBe(expected);
  });

  it('covers every service valence', () => {
    for (const [pattern, valence] of SERVICE_WORD_VALENCES) {
      expect([pattern, VALENCE_PROXY_WORDS.has(valence)]).toEqual([pattern, true]);
    }
  });

  it('uses no proxy that a pattern matches', () => {
    for (const proxy of VALENCE_PROXY_WORDS.values()) {
      expect(rewriteServiceWords(proxy)).toBe(proxy);
    }
  });
});

describe('rewriteServiceWords', () => {
  it.each([
    ['on hold for ages', 'adverse for ages'],
    ['they hung up on me', 'they adverse on me'],
    ['no one answered', 'awful'],
    ['Nobody  picked up', 'awful'],
    ['no response yet', 'adverse yet'],
    ['never received it', 'adverse it'],
    ['still waiting', 'adverse'],
    ['still not happy', 'still not happy'],
    ["the app isn't working", 'the app adverse'],
    ['it does not work', 'it adverse'],
    ['charged twice', 'awful'],
    ['stranded in Denver', 'awful in Denver'],
    ['flight delayed', 'flight adverse'],
    ['order canceled', 'order adverse'],
    ['running late', 'running bore'],
    ['stuck at the gate', 'adverse at the gate'],
    ['waited forever', 'bore forever'],
    ['I want a refund', 'I want a barrier'],
    ["can't get through", 'adverse'],
    ['45 mins', 'bore'],
    ['2hrs', 'bore'],
    ['an hour', 'bore'],
    ['why is it late', 'barrier is it bore'],
    ['please help', 'neutral neutral'],
    ['pls', 'neutral'],
    ['customer care line', 'neutral line'],
    ['credit card', 'neutral card'],
    ["I'd like a seat", 'neutral a seat'],
    ['looks like rain', 'neutral rain'],
    ['I like it', 'I like it'],
  ])('rewrites %j as %j', (text, expected) => {
    expect(rewriteServiceWords(text)).toBe(expected);
  });

  it.each(['latest news', 'helpful staff', 'holder', 'whyever', 'refunded', 'unstuck', "please's"])(
    'leaves %j, which is no whole service word',
    (text) => {
      expect(rewriteServiceWords(text)).toBe(text);
    },
  );

  it('keeps capitals of a shouted phrase', () => {
    expect(rewriteServiceWords('my flight is DELAYED again')).toBe('my flight is ADVERSE again');
    expect(rewriteServiceWords('my flight is Delayed again')).toBe('my flight is adverse again');
  });
});
