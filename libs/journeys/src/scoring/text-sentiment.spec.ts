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
