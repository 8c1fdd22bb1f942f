/**
 * Words and phrases of customer-service messages that the VADER lexicon lacks or weighs
 * for another context, each with a valence on VADER's -4..4 scale. The list and the
 * weights were written by hand for Wayline. They were checked on half of a set of
 * human-labelled customer tweets and kept only where they improved that half (see
 * docs/sentiment.md).
 *
 * Patterns are regular-expression sources, matched case-insensitively on whole words, and
 * tried in this order, so a longer phrase comes before a shorter one that it contains. A
 * space in a pattern matches one or more white-space characters.
 */
export const SERVICE_WORD_VALENCES: ReadonlyArray<readonly [pattern: string, valence: number]> = [
  // Failures that VADER scores 0 because no word of them is in its lexicon.
  ['on hold', -1.5],
  ['hung up', -1.5],
  ['(?:no one|nobody|noone) (?:answers|answered|answering|picks up|picked up|responds|responded|replied|called back|helps|helped|cares)', -2],
  ['no (?:answer|response|reply|callback|call back)', -1.5],
  ['never (?:received|arrived|got|came|showed up|responded|replied|answered|called back|heard back)', -1.5],
  // Only "still" before a word that VADER does not negate, so "still not happy" keeps its negation.
  ['still (?:waiting|no|nothing)', -1.5],
  ['(?:doesn\'t|does not|didn\'t|did not|won\'t|will not|isn\'t|is not|not|stopped) working', -1.5],
  ['(?:doesn\'t|does not|didn\'t|did not|won\'t|will not) work', -1.5],
  ['charged twice|double charged|overcharged', -2],
  ['stranded', -2],
  ['(?:delayed|delays)', -1.5],
  ['(?:canceled|cancelled|cancellation|cancellations)', -1.5],
  ['late', -1],
  ['stuck', -1.5],
  ['waiting|waited', -1],
  ['refund', -0.5],
  ['(?:can\'t|cannot|can not|couldn\'t|could not) get through', -1.5],
  // A stated duration ("2 hours", "45 mins") in a message to a company is nearly always
  // how long the customer waited.
  ['(?:[0-9]+\\s*|(?:an|one|two|three|four|five|six|several|many)\\s+)(?:hours|hour|hrs|hr|minutes|mins|min|days)', -1],
  // A "why" question asks the company to account for something that went wrong.
  ['why', -0.5],

  // Lexicon words that in a request or a product name say nothing about the mood:
  // "please help", "customer care", "credit card", "I would like".
  ['please|pls|plz', 0],
  ['help', 0],
  ['customer care', 0],
  ['credit', 0],
  ['(?:would|i\'d|we\'d) like', 0],
  // "like" as a comparison, not as liking.
  ['(?:feel|feels|look|looks|seem|seems|sound|sounds) like|like (?:a|an)', 0],
];

/**
 * Words of the VADER lexicon (vader-sentiment 1.1.3) that stand in for a service phrase in
 * the text given to VADER, one for each valence that SERVICE_WORD_VALENCES uses. The port
 * has no way to add lexicon entries, so "on hold" becomes "adverse" (-1.5), and negation,
 * degree words, capitals and "but" apply to it as they would to the phrase. "neutral" is
 * not in the lexicon, so it scores 0 and only takes the place of the words it replaces.
 */
export const VALENCE_PROXY_WORDS: ReadonlyMap<number, string> = new Map([
  [-2, 'awful'],
  [-1.5, 'adverse'],
  [-1, 'bore'],
  [-0.5, 'barrier'],
  [0, 'neutral'],
]);

interface CompiledServiceWord {
  pattern: RegExp;
  proxy: string;
}

const COMPILED_SERVICE_WORDS: readonly CompiledServiceWord[] = SERVICE_WORD_VALENCES.map(([source, valence]) => {
  const proxy = VALENCE_PROXY_WORDS.get(valence);
  if (proxy === undefined) {
    throw new Error(`Missing proxy word for valence ${valence} of service pattern ${JSON.stringify(source)}: add one to VALENCE_PROXY_WORDS.`);
  }
  // Spaces in a phrase match any run of white space, and the lookarounds keep to whole words.
  const phrase = source.replace(/ /g, '\\s+');
  return { pattern: new RegExp(`(?<![\\p{L}'])(?:${phrase})(?![\\p{L}'])`, 'giu'), proxy };
});

/**
 * Replaces each service phrase in `text` with the proxy word of its valence. A phrase
 * written in capitals inside mixed-case text gets its proxy in capitals, which keeps
 * VADER's emphasis for shouted words.
 */
export function rewriteServiceWords(text: string): string {
  let rewritten = text;
  for (const { pattern, proxy } of COMPILED_SERVICE_WORDS) {
    rewritten = rewritten.replace(pattern, (match) => (isShouted(match) ? proxy.toUpperCase() : proxy));
  }
  return rewritten;
}

function isShouted(text: string): boolean {
  return /\p{Lu}/u.test(text) && !/\p{Ll}/u.test(text);
}
