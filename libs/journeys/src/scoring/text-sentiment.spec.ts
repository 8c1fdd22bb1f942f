import { prepareTextForVader, scoreText, splitKnownEmoji } from './text-sentiment.ts';

function compoundOf(text: string): number {
  const result = scoreText(text);
  if (result === null) {
    throw new Error(`scoreText returned null for ${JSON.stringify(text)}`);
  }
  return result.compound;
}

describe('scoreText', () => {
  it.each([null, undefined, '', '   ', '\n\t '])('returns null for %j', (text) => {
    expect(scoreText(text)).toBeNull();
  });

  it.each([
    ['good', 'positive'],
    ['The agent was helpful', 'positive'],
    ['terrible', 'negative'],
    ['worst service ever', 'negative'],
  ])('scores %j as %s', (text, polarity) => {
    const compound = compoundOf(text);
    if (polarity === 'positive') {
      expect(compound).toBeGreaterThan(0.05);
    } else {
      expect(compound).toBeLessThan(-0.05);
    }
  });

  it('returns text without sentiment words as 0', () => {
    expect(compoundOf('what time do you open tomorrow')).toBe(0);
  });

  it.each([
    'not good',
    'Not good',
    'NOT GOOD',
    'I am NOT happy with this',
    "I don't like it",
    'I don\u2019t like it',
    "I DON'T like it",
    'Never good',
  ])('scores negation %j as negative', (text) => {
    expect(compoundOf(text)).toBeLessThan(0);
  });

  it('scores typographic apostrophe like ASCII', () => {
    expect(compoundOf('I don\u2019t like it')).toBe(compoundOf("I don't like it"));
  });

  it('keeps capital emphasis in mixed text', () => {
    expect(compoundOf('The service was TERRIBLE')).toBeLessThan(compoundOf('The service was terrible'));
  });

  it('applies capitalized But like lower case', () => {
    expect(compoundOf('The food was great. But the service was awful')).toBe(
      compoundOf('The food was great. but the service was awful'),
    );
  });

  it.each([
    ['😡', 'negative'],
    ['😠', 'negative'],
    ['👎', 'negative'],
    ['😢', 'negative'],
    ['😍', 'positive'],
    ['👍', 'positive'],
    ['😊', 'positive'],
    ['❤️', 'positive'],
  ])('scores emoji %s as %s', (text, polarity) => {
    const compound = compoundOf(text);
    if (polarity === 'positive') {
      expect(compound).toBeGreaterThan(0.05);
    } else {
      expect(compound).toBeLessThan(-0.05);
    }
  });

  it('ignores skin tone and variation selector', () => {
    expect(compoundOf('👍🏽')).toBe(compoundOf('👍'));
    expect(compoundOf('❤️')).toBe(compoundOf('❤'));
  });

  it('scores unknown emoji as 0', () => {
    expect(compoundOf('🤔')).toBe(0);
  });

  it('lets an emoji change a sentence', () => {
    expect(compoundOf('great 😡')).toBeLessThan(compoundOf('great'));
    expect(compoundOf('ok 😍')).toBeGreaterThan(compoundOf('ok'));
  });

  it.each(['Not good 😡', 'not happy 😡', 'I am NOT happy 👎'])('keeps negation away from emoji in %j', (text) => {
    expect(compoundOf(text)).toBeLessThan(compoundOf(text.replace(/\p{Extended_Pictographic}/gu, '')));
  });

  it('adds emoji like extra words', () => {
    // VADER scores "good smiling" +0.7096; adding the two rounded sums gives the same to 3 decimals.
    expect(compoundOf('good 😊')).toBeCloseTo(0.7096, 3);
  });

  it('scores emoji-only text', () => {
    expect(compoundOf('😡😡')).toBeLessThan(compoundOf('😡'));
  });

  it('separates an emoji glued to a word', () => {
    expect(compoundOf('thanks😍')).toBe(compoundOf('thanks 😍'));
  });
});

describe('prepareTextForVader', () => {
  it.each([
    ['Not good', 'not good'],
    ['NOT GOOD!', 'not good!'],
    ['I am NOT HAPPY', 'I am not HAPPY'],
    ['It Didn\u2019t work', "It didn't work"],
    ['Fine. But slow', 'Fine. but slow'],
    ['Nothing To Say', 'nothing To Say'],
    ['WANT A REFUND', 'want a refund'],
    ['The App is BRILLIANT', 'The App is BRILLIANT'],
  ])('rewrites %j as %j', (text, expected) => {
    expect(prepareTextForVader(text)).toBe(expected);
  });
});

describe('splitKnownEmoji', () => {
  it('removes known emoji and keeps their words in order', () => {
    expect(splitKnownEmoji('late again😡 but thanks 🙏🏽')).toEqual({
      text: 'late again  but thanks  ',
      emojiWords: ['rage', 'thanks'],
    });
  });

  it('leaves unknown emoji in the text', () => {
    expect(splitKnownEmoji('hmm 🤔')).toEqual({ text: 'hmm 🤔', emojiWords: [] });
  });
});

describe('scoreText on customer messages', () => {
  it.each([
    ['I &lt;3 this app', 'positive'],
    ['Yaaay', 'positive'],
    ['This is an #epicfail', 'negative'],
    ['#NotHappy', 'negative'],
    ['On hold for 2 hours', 'negative'],
    ['The app is not working', 'negative'],
    ['Nobody answered the phone', 'negative'],
    ['My order is late', 'negative'],
    ['Flight cancelled', 'negative'],
    ['why is my order still waiting', 'negative'],
    ["I can't get through to anyone", 'negative'],
  ])('scores %j as %s', (text, polarity) => {
    const compound = compoundOf(text);
    if (polarity === 'positive') {
      expect(compound).toBeGreaterThan(0.05);
    } else {
      expect(compound).toBeLessThan(-0.05);
    }
  });

  it.each([
    'please help',
    'credit card',
    'It looks like rain',
    'http://example.com/a',
    '@acme',
    '@acme @acme_help',
  ])('scores %j as 0', (text) => {
    expect(compoundOf(text)).toBe(0);
  });

  it.each([
    ['@acme thanks', 'thanks'],
    ['thanks http://t.co/abc', 'thanks'],
    ['fish &amp; chips were great', 'fish & chips were great'],
    ['Sooo goood', 'Sooo good'],
  ])('scores %j like %j', (text, plain) => {
    expect(compoundOf(text)).toBe(compoundOf(plain));
  });

  it('scores flight delay below plain VADER', () => {
    // vader-sentiment gives "delayed" -0.9; the service weight is -1.5.
    expect(compoundOf('Flight delayed again')).toBeLessThan(-0.3);
  });

  it('negates a service phrase', () => {
    expect(compoundOf('My flight was not delayed')).toBeGreaterThan(0);
  });

  it('lets a mention-only prefix keep all capitals', () => {
    expect(compoundOf('@acme WHERE IS MY ORDER?! NOT HAPPY')).toBe(compoundOf('where is my order?! not happy'));
  });

  it('keeps a lexicon word with triple letters', () => {
    // "grrr" is in the VADER lexicon, so it is not shortened to "gr".
    expect(compoundOf('grrr')).toBeLessThan(0);
  });

  it('keeps negation away from hashtags', () => {
    expect(compoundOf('other flights had some delay but not this #epicfail')).toBeLessThan(
      compoundOf('other flights had some delay but not this'),
    );
    expect(compoundOf('not this #epicfail')).toBeLessThan(0);
  });

  it('keeps handles inside the negation window', () => {
    // The handle is a neutral word, so "don't" stays four words before "WTF", beyond the
    // three-word negation window.
    expect(compoundOf("Don't hate. RT @someone WTF")).toBe(compoundOf("Don't hate. RT someone WTF"));
  });

  it('scores a decoded emoji entity', () => {
    expect(compoundOf('&#x1F621;')).toBe(compoundOf('😡'));
  });
});
