import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import vaderSentiment from 'vader-sentiment';
import { isVaderLexiconEntry, vaderCompound } from './vader.ts';

const packageCompound = (text: string): number => vaderSentiment.SentimentIntensityAnalyzer.polarity_scores(text).compound;

const DATA_DIR = path.resolve(process.cwd(), '..', 'shared', 'data');

/** Returns every text of the sentiment data sets: tweets with human ratings, airline tweets, product reviews. */
function dataSetTexts(): string[] {
  const texts: string[] = [];
  const ratedTweets = path.join(DATA_DIR, 'vader_tweets_GroundTruth.txt');
  for (const line of readFileSync(ratedTweets, 'utf8').split('\n')) {
    const text = line.split('\t')[2];
    if (text !== undefined) {
      texts.push(text);
    }
  }
  const reviews = path.join(DATA_DIR, 'amazon_alexa_reviews.tsv');
  for (const line of readFileSync(reviews, 'utf8').split('\n').slice(1)) {
    const text = line.split('\t')[3];
    if (text !== undefined) {
      texts.push(text);
    }
  }
  // The airline file is CSV with quoted fields; whole lines carry every tweet and are
  // text as well, which is all this comparison needs.
  texts.push(...readFileSync(path.join(DATA_DIR, 'twitter_airline_sentiment.csv'), 'utf8').split('\n'));
  return texts;
}

describe('vaderCompound', () => {
  it.each([
    ['The service was good.', 0.4404],
    ['The service was not good.', -0.3412],
    ['The service was VERY GOOD!!', null],
    ['kind of good', null],
    ['The food was good, but the service was horrible', null],
    ['at least it works', null],
    ['least good option', null],
    ['yeah right, the shit', null],
    ['never so happy', null],
    ['I waited forever and my bill is still wrong.', null],
    ['"great" \'great\' ..great!!! !?!?love', null],
    ['', 0],
    ['a b c', 0],
  ])('scores %j as vader-sentiment 1.1.3 does', (text, expected) => {
    const compound = vaderCompound(text);
    expect(compound).toBe(packageCompound(text));
    if (expected !== null) {
      expect(compound).toBe(expected);
    }
  });

  it('equals vader-sentiment on random texts of lexicon words, boosters, negations, capitals and punctuation', () => {
    const pieces = [
      'good', 'GOOD', 'bad', 'Bad', 'love', 'hate', 'not', "don't", 'never', 'so', 'this', 'very', 'kind', 'of',
      'sort', 'least', 'at', 'but', 'BUT', 'the', 'shit', 'bomb', 'yeah', 'right', 'cut', 'mustard', ':)', ':(',
      '!', '?', '!!', '??', '.', ',', "'", '"', '-', 'wow', 'LOL', 'no', 'without', 'hardly', 'kinda', 'x',
    ];
    const word = fc.tuple(fc.constantFrom('', '', '', '.', '!', '?', '"', "'", '!?!', ','), fc.constantFrom(...pieces), fc.constantFrom('', '', '.', '!', '??', ',', "'", '!!!!'))
      .map(([before, piece, after]) => `${before}${piece}${after}`);
    const text = fc.array(word, { maxLength: 14 }).chain((words) =>
      fc.array(fc.constantFrom(' ', ' ', '  ', '\t', '\n'), { minLength: words.length, maxLength: words.length }).map((gaps) =>
        words.map((piece, index) => `${piece}${gaps[index]}`).join(''),
      ),
    );
    fc.assert(
      fc.property(text, (sample) => vaderCompound(sample) === packageCompound(sample)),
      { numRuns: 5000, seed: 20261205 },
    );
  });

  it('equals vader-sentiment on arbitrary unicode strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-composite', maxLength: 60 }), (sample) => vaderCompound(sample) === packageCompound(sample)),
      { numRuns: 3000, seed: 7 },
    );
  });

  (existsSync(DATA_DIR) ? it : it.skip)('equals vader-sentiment on every text of the sentiment data sets in ../shared/data', () => {
    const texts = dataSetTexts();
    expect(texts.length).toBeGreaterThan(20_000);
    const differing = texts.filter((text) => vaderCompound(text) !== packageCompound(text));
    expect(differing.slice(0, 5)).toEqual([]);
  });
});

describe('isVaderLexiconEntry', () => {
  it.each([
    ['good', true],
    [':)', true],
    ['GOOD', false],
    ['so', false],
    ['table', false],
  ])('%j -> %s', (word, expected) => {
    expect(isVaderLexiconEntry(word)).toBe(expected);
  });
});
