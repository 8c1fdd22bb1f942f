import { EMOJI_SENTIMENT_WORDS } from './emoji-words.ts';
import { rewriteServiceWords } from './service-words.ts';
import { hashtagWords, normalizeMessageText, removeLinksAndTags } from './text-normalization.ts';
import { vaderCompound } from './vader.ts';

/** VADER sentiment of one text. */
export interface TextSentiment {
  /** VADER compound score: -1 is most negative, +1 most positive, 0 neutral or no sentiment words. */
  compound: number;
}

/**
 * Scores `text` with VADER, computed as vader-sentiment 1.1.3 computes it (see vader.ts).
 * Returns null for missing, empty or
 * whitespace-only text, which carries no evidence.
 *
 * Before VADER sees the text:
 * 1. normalizeMessageText decodes HTML entities and shortens elongated words ("Yaaay").
 * 2. Known emoji are taken out to be scored as a clause of their own (see splitKnownEmoji),
 *    and so are the words of each hashtag (see hashtagWords). The tag itself stays in the
 *    text, where VADER scores it 0.
 * 3. prepareTextForVader fixes case-sensitive negations and typographic apostrophes.
 * 4. rewriteServiceWords gives customer-service phrases ("on hold", "delayed") a valence.
 *
 * The raw VADER sums of the text, of the emoji words and of each hashtag are added and
 * normalized the way VADER normalizes one sum. This equals VADER scoring all the words in
 * one sentence, except that no negation in the text reaches the emoji or tags, so
 * "not good 😡" and "some delay but not this #fail" stay negative.
 */
export function scoreText(text: string | null | undefined): TextSentiment | null {
  if (text == null || text.trim() === '') {
    return null;
  }

  const normalized = normalizeMessageText(text, isVaderLexiconWord);
  const { text: words, emojiWords } = splitKnownEmoji(normalized);
  const clauseCompounds: number[] = [];
  if (words.trim() !== '') {
    clauseCompounds.push(scoreClause(words));
  }
  if (emojiWords.length > 0) {
    clauseCompounds.push(vaderCompound(emojiWords.join(' ')));
  }
  for (const tagWords of hashtagWords(words)) {
    clauseCompounds.push(scoreClause(tagWords));
  }

  // Clauses without sentiment add nothing, and leaving them out keeps a single clause's
  // score exactly as VADER gave it.
  const scored = clauseCompounds.filter((compound) => compound !== 0);
  if (scored.length <= 1) {
    return { compound: scored[0] ?? 0 };
  }
  const sum = scored.reduce((total, compound) => total + rawSumFromCompound(compound), 0);
  // Rounded to 4 decimals like the compound scores of vader-sentiment itself.
  return { compound: Math.round(compoundFromRawSum(sum) * 10_000) / 10_000 };
}

function scoreClause(text: string): number {
  return vaderCompound(rewriteServiceWords(prepareTextForVader(text)));
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
 *    nothing, and it lets the port see "NOT" as a negation. Links, @handles and hashtags
 *    do not count here, so "@Acme NOT HAPPY" is lower-cased too.
 * 3. Otherwise only negation words and "but" are lower-cased, because the port compares
 *    them case-sensitively ("Not good" scored +0.44). Neither is a lexicon word, so no
 *    emphasis is lost.
 */
export function prepareTextForVader(text: string): string {
  const prepared = text.replace(/[\u2018\u2019]/g, "'");
  const typed = removeLinksAndTags(prepared);
  if (/\p{Lu}/u.test(typed) && !/\p{Ll}/u.test(typed)) {
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

/**
 * Tells whether VADER gives `word` a valence. The port does not expose its lexicon, so the
 * word is scored alone. Degree words ("so") and negations score 0 alone and so count as unknown.
 */
function isVaderLexiconWord(word: string): boolean {
  return vaderCompound(word) !== 0;
}

function rawSumFromCompound(compound: number): number {
  const bounded = Math.min(MAX_INVERTIBLE_COMPOUND, Math.max(-MAX_INVERTIBLE_COMPOUND, compound));
  return bounded * Math.sqrt(VADER_NORMALIZATION_ALPHA / (1 - bounded * bounded));
}

function compoundFromRawSum(sum: number): number {
  return sum / Math.sqrt(sum * sum + VADER_NORMALIZATION_ALPHA);
}
