import {
  collapseElongations,
  decodeHtmlEntities,
  hashtagWords,
  normalizeMessageText,
  removeLinksAndTags,
} from './text-normalization.ts';

// A stand-in lexicon, so these tests do not depend on VADER's word list.
const LEXICON_WORDS = new Set(['yay', 'good', 'cool', 'fail']);
const isLexiconWord = (word: string): boolean => LEXICON_WORDS.has(word);

describe('decodeHtmlEntities', () => {
  it.each([
    ['fish &amp; chips', 'fish & chips'],
    ['I &lt;3 it', 'I <3 it'],
    ['a &gt; b', 'a > b'],
    ['&quot;great&quot;', '"great"'],
    ['it&#39;s', "it's"],
    ['it&apos;s', "it's"],
    ['&#x1F621;', '😡'],
    ['a&nbsp;b', 'a b'],
    ['&AMP;', '&'],
    ['&amp;lt;', '&lt;'],
    ['&unknown; stays', '&unknown; stays'],
    ['&#0; stays', '&#0; stays'],
    ['&#x110000; stays', '&#x110000; stays'],
    ['AT&T and R&D', 'AT&T and R&D'],
  ])('decodes %j as %j', (text, expected) => {
    expect(decodeHtmlEntities(text)).toBe(expected);
  });
});

describe('removeLinksAndTags', () => {
  it.each([
    ['@acme where is my order', '  where is my order'],
    ['thanks @Acme_Help!', 'thanks  !'],
    ['see http://t.co/abc now', 'see   now'],
    ['see https://example.com/a?b=c', 'see  '],
    ['see www.example.com', 'see  '],
    ['so #NotHappy', 'so  '],
    ['mail jane@example.com', 'mail jane@example.com'],
    ['RT@acme: hi', 'RT@acme: hi'],
    ['order#123', 'order#123'],
  ])('rewrites %j as %j', (text, expected) => {
    expect(removeLinksAndTags(text)).toBe(expected);
  });
});

describe('hashtagWords', () => {
  it.each([
    ['this is a #fail', ['fail']],
    ['#NotHappy today', ['Not Happy']],
    ['#not_happy', ['not happy']],
    ['#epicfail', ['fail']],
    ['#ACMEFAIL again', ['FAIL']],
    ['#acmefails', ['fails']],
    ['#sadface', ['sadface']],
    ['#1 fan', ['1']],
    ['#late and #stuck', ['late', 'stuck']],
    ['order#123', []],
    ['no tags', []],
  ])('finds in %j the words %j', (text, expected) => {
    expect(hashtagWords(text)).toEqual(expected);
  });
});

describe('collapseElongations', () => {
  it.each([
    ['Yaaay', 'Yay'],
    ['YAYYYYY', 'YAY'],
    ['goooood', 'good'],
    ['cooool!', 'cool!'],
    ['soooo', 'soooo'],
    ['good', 'good'],
    ['LOOONG wait', 'LOOONG wait'],
  ])('rewrites %j as %j', (text, expected) => {
    expect(collapseElongations(text, isLexiconWord)).toBe(expected);
  });

  it('leaves a lexicon word with a triple letter', () => {
    const lexicon = (word: string): boolean => word === 'brrr';
    expect(collapseElongations('brrr', lexicon)).toBe('brrr');
  });
});

describe('normalizeMessageText', () => {
  it('decodes entities and shortens elongations', () => {
    expect(normalizeMessageText('@acme Yaaay &amp; #epicfail http://t.co/x', isLexiconWord)).toBe(
      '@acme Yay & #epicfail http://t.co/x',
    );
  });

  it('decodes an entity into a hashtag', () => {
    expect(hashtagWords(normalizeMessageText('&#35;fail', isLexiconWord))).toEqual(['fail']);
  });
});
