import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * Computes VADER's compound score exactly as vader-sentiment 1.1.3 does, without the
 * package's costly word split.
 *
 * For every call, the package builds a table of each word with each of 17 punctuation
 * marks before and after it, to split the text into words. That table took two thirds of
 * its time. Here a word is unwrapped by looking at its own leading or trailing punctuation,
 * which gives the same words.
 *
 * The rules that follow (boosters, capitals, negation, "but", idioms, "least", punctuation
 * emphasis) and their order are the package's, quirks included. So scores are equal to the
 * last digit, and vader.spec.ts compares the two on every text of the sentiment data sets.
 *
 * The lexicon is read from the package's own vader_lexicon.txt, where a later line wins
 * over an earlier one for the same token, as in the package.
 *
 * Reference: Hutto and Gilbert, "VADER: A Parsimonious Rule-based Model for Sentiment
 * Analysis of Social Media Text", ICWSM 2014.
 */
export function vaderCompound(text: string): number {
  const words = splitWords(text);
  if (words.length === 0) {
    return 0;
  }
  const lowered = words.map((word) => word.toLowerCase());
  const capitalEmphasis = hasCapitalDifferential(words);

  const valences = new Array<number>(words.length);
  for (let index = 0; index < words.length; index += 1) {
    const lower = lowered[index]!;
    const startsKindOf = lower === 'kind' && index < words.length - 1 && lowered[index + 1] === 'of';
    valences[index] = startsKindOf || BOOSTERS.has(lower) ? 0 : wordValence(words, lowered, index, capitalEmphasis);
  }

  applyContrast(words, valences);
  let sum = 0;
  for (const valence of valences) {
    sum += valence;
  }
  if (sum > 0) {
    sum += punctuationEmphasis(text);
  } else if (sum < 0) {
    sum -= punctuationEmphasis(text);
  }
  const compound = Math.max(-1, Math.min(1, sum / Math.sqrt(sum * sum + NORMALIZATION_ALPHA)));
  return Number.parseFloat(compound.toFixed(4));
}

/** Tells whether VADER's lexicon has `word` (compared as given, so pass it in lower case). */
export function isVaderLexiconEntry(word: string): boolean {
  return lexicon().has(word);
}

const BOOSTER_INCREMENT = 0.293;
const CAPITALS_INCREMENT = 0.733;
const NEGATION_SCALAR = -0.74;
const NORMALIZATION_ALPHA = 15;

const BOOSTERS: ReadonlyMap<string, number> = new Map([
  ...[
    'absolutely', 'amazingly', 'awfully', 'completely', 'considerably', 'decidedly', 'deeply', 'effing',
    'enormously', 'entirely', 'especially', 'exceptionally', 'extremely', 'fabulously', 'flipping', 'flippin',
    'fricking', 'frickin', 'frigging', 'friggin', 'fully', 'fucking', 'greatly', 'hella', 'highly', 'hugely',
    'incredibly', 'intensely', 'majorly', 'more', 'most', 'particularly', 'purely', 'quite', 'really',
    'remarkably', 'so', 'substantially', 'thoroughly', 'totally', 'tremendously', 'uber', 'unbelievably',
    'unusually', 'utterly', 'very',
  ].map((word): [string, number] => [word, BOOSTER_INCREMENT]),
  ...[
    'almost', 'barely', 'hardly', 'just enough', 'kind of', 'kinda', 'kindof', 'kind-of', 'less', 'little',
    'marginally', 'occasionally', 'partly', 'scarcely', 'slightly', 'somewhat', 'sort of', 'sorta', 'sortof',
    'sort-of',
  ].map((word): [string, number] => [word, -BOOSTER_INCREMENT]),
]);

const NEGATIONS: ReadonlySet<string> = new Set([
  'aint', 'arent', 'cannot', 'cant', 'couldnt', 'darent', 'didnt', 'doesnt', "ain't", "aren't", "can't",
  "couldn't", "daren't", "didn't", "doesn't", 'dont', 'hadnt', 'hasnt', 'havent', 'isnt', 'mightnt', 'mustnt',
  'neither', "don't", "hadn't", "hasn't", "haven't", "isn't", "mightn't", "mustn't", 'neednt', "needn't",
  'never', 'none', 'nope', 'nor', 'not', 'nothing', 'nowhere', 'oughtnt', 'shant', 'shouldnt', 'uhuh',
  'wasnt', 'werent', "oughtn't", "shan't", "shouldn't", 'uh-uh', "wasn't", "weren't", 'without', 'wont',
  'wouldnt', "won't", "wouldn't", 'rarely', 'seldom', 'despite',
]);

const IDIOMS: ReadonlyMap<string, number> = new Map([
  ['the shit', 3],
  ['the bomb', 3],
  ['bad ass', 1.5],
  ['yeah right', -2],
  ['cut the mustard', 2],
  ['kiss of death', -1.5],
  ['hand to mouth', -2],
]);

/** Punctuation that may wrap a word and is taken off it, as whole runs only. */
const WRAPPING_PUNCTUATION: ReadonlySet<string> = new Set([
  '.', '!', '?', ',', ';', ':', '-', "'", '"', '!!', '!!!', '??', '???', '?!?', '!?!', '?!?!', '!?!?',
]);

let lexiconMap: Map<string, number> | undefined;

function lexicon(): Map<string, number> {
  if (lexiconMap === undefined) {
    const path = createRequire(import.meta.url).resolve('vader-sentiment/vader_lexicon.txt');
    const map = new Map<string, number>();
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      const [token, mean] = line.split('\t');
      if (token !== undefined && mean !== undefined) {
        map.set(token, Number.parseFloat(mean));
      }
    }
    lexiconMap = map;
  }
  return lexiconMap;
}

/** Tells whether `code` is one of the 32 ASCII punctuation characters. */
function isAsciiPunctuation(code: number): boolean {
  return (code >= 33 && code <= 47) || (code >= 58 && code <= 64) || (code >= 91 && code <= 96) || (code >= 123 && code <= 126);
}

function hasNoPunctuation(text: string): boolean {
  for (let index = 0; index < text.length; index += 1) {
    if (isAsciiPunctuation(text.charCodeAt(index))) {
      return false;
    }
  }
  return true;
}

/**
 * Splits on white space and drops one-character tokens. A token that is a word of two or
 * more characters with one run of WRAPPING_PUNCTUATION before or after it is unwrapped:
 * "late." gives "late", and "'hello'" stays as it is.
 */
function splitWords(text: string): string[] {
  const words: string[] = [];
  for (const token of text.split(/\s/)) {
    if (token.length > 1) {
      words.push(unwrap(token));
    }
  }
  return words;
}

function unwrap(token: string): string {
  let leading = 0;
  while (leading < token.length && isAsciiPunctuation(token.charCodeAt(leading))) {
    leading += 1;
  }
  if (leading > 0) {
    const rest = token.slice(leading);
    return rest.length > 1 && hasNoPunctuation(rest) && WRAPPING_PUNCTUATION.has(token.slice(0, leading)) ? rest : token;
  }
  let end = token.length;
  while (end > 0 && isAsciiPunctuation(token.charCodeAt(end - 1))) {
    end -= 1;
  }
  if (end < token.length) {
    const rest = token.slice(0, end);
    return rest.length > 1 && hasNoPunctuation(rest) && WRAPPING_PUNCTUATION.has(token.slice(end)) ? rest : token;
  }
  return token;
}

/**
 * Applies the package's capitals test, `^[^a-z]*[A-Z]+[^a-z]*$`: some letter A-Z and no
 * letter a-z. Letters outside ASCII do not count either way.
 */
function isUpperCase(word: string): boolean {
  let hasCapital = false;
  for (let index = 0; index < word.length; index += 1) {
    const code = word.charCodeAt(index);
    if (code >= 97 && code <= 122) {
      return false;
    }
    if (code >= 65 && code <= 90) {
      hasCapital = true;
    }
  }
  return hasCapital;
}

/** True when some words, but not all, are in capitals. */
function hasCapitalDifferential(words: string[]): boolean {
  let capitals = 0;
  for (const word of words) {
    if (isUpperCase(word)) {
      capitals += 1;
    }
  }
  const others = words.length - capitals;
  return others > 0 && others < words.length;
}

function wordValence(words: string[], lowered: string[], index: number, capitalEmphasis: boolean): number {
  const entries = lexicon();
  const base = entries.get(lowered[index]!);
  if (base === undefined) {
    return 0;
  }
  let valence = base;
  if (capitalEmphasis && isUpperCase(words[index]!)) {
    valence += valence > 0 ? CAPITALS_INCREMENT : -CAPITALS_INCREMENT;
  }
  for (let distance = 0; distance < 3; distance += 1) {
    const before = index - (distance + 1);
    if (before < 0 || entries.has(lowered[before]!)) {
      continue;
    }
    let boost = boosterScalar(words[before]!, lowered[before]!, valence, capitalEmphasis);
    if (distance === 1 && boost !== 0) {
      boost *= 0.95;
    } else if (distance === 2 && boost !== 0) {
      boost *= 0.9;
    }
    valence = negationCheck(valence + boost, words, distance, index);
    if (distance === 2) {
      valence = idiomCheck(valence, words, index);
    }
  }
  return leastCheck(valence, lowered, index);
}

function boosterScalar(word: string, lower: string, valence: number, capitalEmphasis: boolean): number {
  let scalar = BOOSTERS.get(lower);
  if (scalar === undefined) {
    return 0;
  }
  if (valence < 0) {
    scalar *= -1;
  }
  if (capitalEmphasis && isUpperCase(word)) {
    scalar += valence > 0 ? CAPITALS_INCREMENT : -CAPITALS_INCREMENT;
  }
  return scalar;
}

function isNegation(word: string): boolean {
  return NEGATIONS.has(word) || word.includes("n't");
}

/** Applies negations before the word; like the package, it compares these words case-sensitively. */
function negationCheck(valence: number, words: string[], distance: number, index: number): number {
  const isSoOrThis = (word: string | undefined) => word === 'so' || word === 'this';
  if (distance === 0) {
    return isNegation(words[index - 1]!) ? valence * NEGATION_SCALAR : valence;
  }
  if (distance === 1) {
    if (words[index - 2] === 'never' && isSoOrThis(words[index - 1])) {
      return valence * 1.5;
    }
    return isNegation(words[index - 2]!) ? valence * NEGATION_SCALAR : valence;
  }
  if ((words[index - 3] === 'never' && isSoOrThis(words[index - 2])) || isSoOrThis(words[index - 1])) {
    return valence * 1.25;
  }
  return isNegation(words[index - 3]!) ? valence * NEGATION_SCALAR : valence;
}

/** Called with `index` of 3 or more, so every word before it exists. */
function idiomCheck(valence: number, words: string[], index: number): number {
  const [three, two, one, zero] = [words[index - 3]!, words[index - 2]!, words[index - 1]!, words[index]!];
  const threeTwo = `${three} ${two}`;
  const twoOne = `${two} ${one}`;
  for (const sequence of [`${one} ${zero}`, `${two} ${one} ${zero}`, twoOne, `${three} ${two} ${one}`, threeTwo]) {
    const idiom = IDIOMS.get(sequence);
    if (idiom !== undefined) {
      valence = idiom;
      break;
    }
  }
  if (words.length - 1 > index) {
    valence = IDIOMS.get(`${zero} ${words[index + 1]}`) ?? valence;
  }
  if (words.length - 1 > index + 1) {
    valence = IDIOMS.get(`${zero} ${words[index + 1]} ${words[index + 2]}`) ?? valence;
  }
  if (BOOSTERS.has(threeTwo) || BOOSTERS.has(twoOne)) {
    valence -= BOOSTER_INCREMENT;
  }
  return valence;
}

function leastCheck(valence: number, lowered: string[], index: number): number {
  if (index === 0 || lowered[index - 1] !== 'least' || lexicon().has('least')) {
    return valence;
  }
  if (index > 1 && (lowered[index - 2] === 'at' || lowered[index - 2] === 'very')) {
    return valence;
  }
  return valence * NEGATION_SCALAR;
}

/** Words before the first "but" (or "BUT") count half, words after it one and a half times. */
function applyContrast(words: string[], valences: number[]): void {
  let butIndex = words.indexOf('but');
  if (butIndex === -1) {
    butIndex = words.indexOf('BUT');
  }
  if (butIndex === -1) {
    return;
  }
  for (let index = 0; index < valences.length; index += 1) {
    if (index < butIndex) {
      valences[index]! *= 0.5;
    } else if (index > butIndex) {
      valences[index]! *= 1.5;
    }
  }
}

/** Up to four exclamation marks add 0.292 each; two or three question marks 0.18 each, more 0.96. */
function punctuationEmphasis(text: string): number {
  let exclamations = 0;
  let questions = 0;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code === 33) {
      exclamations += 1;
    } else if (code === 63) {
      questions += 1;
    }
  }
  const exclamationEmphasis = Math.min(exclamations, 4) * 0.292;
  if (questions <= 1) {
    return exclamationEmphasis;
  }
  return exclamationEmphasis + (questions <= 3 ? questions * 0.18 : 0.96);
}
