import vaderSentiment from 'vader-sentiment';
import { EMOJI_SENTIMENT_WORDS } from './emoji-words.ts';

/** VADER sentiment of one text. */
export interface TextSentiment {
  /** VADER compound score: -1 is most negative, +1 most positive, 0 neutral or no sentiment words. */
  compound: number;
}

/**
 * Scores `text` with VADER (vader-sentiment 1.1.3). Returns null for missing, empty or
 * whitespace-only text, which carries no evidence.
 *
 * Two changes to plain VADER: the words are prepared first (see prepareTextForVader), and
 * known emoji are scored as a clause of their own (see splitKnownEmoji). The two raw VADER
 * sums are added and normalized the way VADER normalizes one sum. This equals VADER scoring
 * the emoji words in one sentence, except that no negation in the text reaches them, so
 * "not good 😡" stays negative.
 */
export function scoreText(text: string | null | undefined): TextSentiment | null {
  if (text == null || text.trim() === '') {
    return null;
  }

  const { text: words, emojiWords } = splitKnownEmoji(text);
  const hasWords = words.trim() !== '';
  const wordsCompound = hasWords ? vaderCompound(prepareTextForVader(words)) : 0;
  if (emojiWords.length === 0) {
    return { compound: wordsCompound };
  }

  const emojiCompound = vaderCompound(emojiWords.join(' '));
  if (!hasWords) {
    return { compound: emojiCompound };
  }
  const sum = rawSumFromCompound(wordsCompound) + rawSumFromCompound(emojiCompound);
  // Rounded to 4 decimals like the compound scores of vader-sentiment itself.
  return { compound: Math.round(compoundFromRawSum(sum) * 10_000) / 10_000 };
}

// Negation words that the port recognizes only in lower case. Contractions with an
// apostrophe ("DON'T") are matched by the n't suffix test in lowerCaseNegations.
const NEGATION_WORDS: ReadonlySet<string> = new Set([
  'not', 'never', 'none', 'nothing', 'nowhere', 'neither', 'nor', 'nope', 'without', 'cannot',
  'rarely', 'seldom', 'despite', 'aint', 'arent', 'cant', 'couldnt', 'didnt', 'doesnt', 'dont',
  'hadnt', 'hasnt', 'havent', 'isnt', 'shouldnt', 'wasnt', 'werent', 'wont', 'wouldnt',
]);

/**
 * Rewrites `text` so that vader-sentiment 1.1.3 scores it the way VADER intends:
 * 1. Typographic apostrophes become ASCII ones, because the port detects "n't" only with U+0027.
 * 2. Text without any lower-case letter is lower-cased whole. VADER adds capital-letter
 *    emphasis only when some words are capitalized and others are not, so this loses
 *    nothing, and it lets the port see "NOT" as a negation.
 * 3. Otherwise only negation words and "but" are lower-cased, because the port compares
 *    them case-sensitively ("Not good" scored +0.44). Neither is a lexicon word, so no
 *    emphasis is lost.
 */
export function prepareTextForVader(text: string): string {
  const prepared = text.replace(/[\u2018\u2019]/g, "'");
  if (/\p{Lu}/u.test(prepared) && !/\p{Ll}/u.test(prepared)) {
    return prepared.toLowerCase();
  }
  return lowerCaseNegations(prepared);
}

function lowerCaseNegations(text: string): string {
  return text.replace(/[\p{L}']+/gu, (word) => {
    const lower = word.toLowerCase();
    const isNegation = NEGATION_WORDS.has(lower) || lower.endsWith("n't");
    return isNegation || lower === 'but' ? lower : word;
  });
}

// An emoji with its optional U+FE0F variation selector and skin-tone modifier (U+1F3FB..U+1F3FF).
const EMOJI_PATTERN = /\p{Extended_Pictographic}(?:\uFE0F|\p{Emoji_Modifier})*/gu;
const EMOJI_DECORATION_PATTERN = /\uFE0F|\p{Emoji_Modifier}/gu;

/**
 * Removes the emoji listed in EMOJI_SENTIMENT_WORDS from `text` and returns their lexicon
 * words in order. Each removed emoji leaves a space, so words on either side stay apart.
 * Other emoji stay in the text, where VADER scores them 0.
 *
 * The emoji are scored apart because VADER lets a negation act on the next three words:
 * inline, "not good 😡" became "not good rage" and "rage" was negated too (+0.13).
 */
export function splitKnownEmoji(text: string): { text: string; emojiWords: string[] } {
  const emojiWords: string[] = [];
  const remaining = text.replace(EMOJI_PATTERN, (emoji) => {
    const words = EMOJI_SENTIMENT_WORDS[emoji.replace(EMOJI_DECORATION_PATTERN, '')];
    if (words === undefined) {
      return emoji;
    }
    emojiWords.push(words);
    return ' ';
  });
  return { text: remaining, emojiWords };
}

// VADER maps its raw valence sum S to compound = S / sqrt(S^2 + alpha), with alpha = 15
// in vader-sentiment 1.1.3 (function normalize). These two functions convert between them.
const VADER_NORMALIZATION_ALPHA = 15;
// The port rounds compound to 4 decimals, so |compound| can be exactly 1, which has no finite sum.
const MAX_INVERTIBLE_COMPOUND = 0.9999;

function vaderCompound(text: string): number {
  return vaderSentiment.SentimentIntensityAnalyzer.polarity_scores(text).compound;
}

function rawSumFromCompound(compound: number): number {
  const bounded = Math.min(MAX_INVERTIBLE_COMPOUND, Math.max(-MAX_INVERTIBLE_COMPOUND, compound));
  return bounded * Math.sqrt(VADER_NORMALIZATION_ALPHA / (1 - bounded * bounded));
}

function compoundFromRawSum(sum: number): number {
  return sum / Math.sqrt(sum * sum + VADER_NORMALIZATION_ALPHA);
}
