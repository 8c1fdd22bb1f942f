/**
 * Cleans social-media and chat text before VADER scores it: HTML entities such as `&lt;3`
 * hide the emoticon `<3` from vader-sentiment 1.1.3, and "Yaaay" is not looked up as "yay".
 * Links, @handles and hashtags stay in the text, where the port scores each as a neutral
 * word. Removing them would move other words into or out of VADER's three-word negation
 * window ("Don't hate. RT @someone WTF" would negate "WTF").
 */
export function normalizeMessageText(text: string, isLexiconWord: (word: string) => boolean): string {
  return collapseElongations(decodeHtmlEntities(text), isLexiconWord);
}

const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
};

/**
 * Decodes the HTML entities that tweets and web forms carry: the five XML ones, `&nbsp;`
 * and numeric references. One pass, so "&amp;lt;" becomes "&lt;", as a browser shows it.
 * Unknown names and invalid code points stay as they are.
 */
export function decodeHtmlEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (entity, body: string) => {
    if (body.startsWith('#')) {
      const isHex = body[1] === 'x' || body[1] === 'X';
      const codePoint = Number.parseInt(body.slice(isHex ? 2 : 1), isHex ? 16 : 10);
      return codePoint > 0 && codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : entity;
    }
    return NAMED_ENTITIES[body.toLowerCase()] ?? entity;
  });
}

const URL_PATTERN = /\b(?:https?:\/\/|www\.)\S+/giu;
// A handle must not follow a letter, digit, underscore or dot. So e-mail addresses stay
// whole, and so does a handle glued to a word ("RT@acme").
const MENTION_PATTERN = /(?<![\p{L}\p{N}_.])@[\p{L}\p{N}_]+/gu;
const HASHTAG_PATTERN = /(?<![\p{L}\p{N}_&])#([\p{L}\p{N}_]+)/gu;

/**
 * Replaces links, @handles and hashtags with a space, leaving the words that the writer
 * typed. Used to tell whether a message is written in capitals: "@Acme WHERE IS MY ORDER"
 * is, although the handle has lower-case letters.
 */
export function removeLinksAndTags(text: string): string {
  return text.replace(URL_PATTERN, ' ').replace(MENTION_PATTERN, ' ').replace(HASHTAG_PATTERN, ' ');
}

// Tags such as #epicfail or #acmefail: the part before "fail" names what failed.
const FAIL_TAG_PATTERN = /^\p{L}+(fail|fails|failed)$/iu;

/**
 * Returns the words of each hashtag in `text`, one string per tag: "#fail" gives "fail",
 * "#NotHappy" gives "Not Happy". A tag ending in "fail" gives that ending alone, because
 * its first part names the brand or service that failed and carries no sentiment of its
 * own. Other run-together tags ("#sadface") stay one word, which VADER does not know.
 */
export function hashtagWords(text: string): string[] {
  const words: string[] = [];
  for (const [, body = ''] of text.matchAll(HASHTAG_PATTERN)) {
    const failTag = FAIL_TAG_PATTERN.exec(body);
    if (failTag !== null) {
      words.push(failTag[1]!);
      continue;
    }
    const spaced = body.replace(/_/g, ' ');
    words.push(spaced.replace(/(\p{Ll})(\p{Lu})/gu, '$1 $2'));
  }
  return words;
}

const ELONGATION_PATTERN = /(\p{L})\1{2,}/u;

/**
 * Shortens letters repeated three or more times ("Yaaay", "goooood") to two and then to one
 * letter, and keeps the first spelling that is a lexicon word. A word with no lexicon
 * spelling stays as written. The elongation adds no emphasis, as in VADER.
 *
 * NOTE: with VADER's test, degree words such as "so" score 0 alone and count as unknown,
 * so "soooo good" keeps "soooo" and gets no boost.
 */
export function collapseElongations(text: string, isLexiconWord: (word: string) => boolean): string {
  return text.replace(/[\p{L}']+/gu, (word) => {
    if (!ELONGATION_PATTERN.test(word) || isLexiconWord(word.toLowerCase())) {
      return word;
    }
    const double = word.replace(/(\p{L})\1{2,}/gu, '$1$1');
    if (isLexiconWord(double.toLowerCase())) {
      return double;
    }
    const single = word.replace(/(\p{L})\1{2,}/gu, '$1');
    return isLexiconWord(single.toLowerCase()) ? single : word;
  });
}
