import { assertValidDate } from './decay.ts';
import { EMOTION_CUT_POINTS } from './emotion-label.ts';
import { BEHAVIOUR_SIGNALS, ratingValence as starRatingValence } from './event-emotion.ts';
import { isFiniteNumber, lookupByEventName, normalizeEventName } from './scorable-event.ts';
import { scoreText } from './text-sentiment.ts';

// Precision comes before recall throughout this file. A flag is meant to be shown to a
// person as "this feedback contradicts itself", so every rule below stays silent when the
// evidence is mixed, short or possibly misread by VADER. Missed inconsistencies are the
// accepted cost. None of the thresholds was fitted to labelled data. The idiom and caveat
// patterns were written after reading reviews that plain VADER misjudged, so figures on
// those reviews are in-sample (docs/feedback-consistency.md).

export type FeedbackConsistencyStatus = 'consistent' | 'inconsistent' | 'not-applicable';

/** Signal that can contradict a stated score. */
export type ConsistencySignal = 'scores' | 'text' | 'behaviour';

/** Explicit feedback of one event. A ScorableEvent fits this shape. */
export interface ExplicitFeedback {
  /** Stars from 1 to 5. Values outside are clamped, as in scoreEventEmotion, and non-finite values are ignored. */
  rating?: number | null;
  /** Net Promoter Score response from 0 to 10, clamped and ignored like `rating`. */
  nps?: number | null;
  /** Free text given with the score. */
  text?: string | null;
}

/** Another event of the same customer. A ScorableEvent fits this shape. */
export interface FeedbackBehaviourEvent {
  type: string;
  occurredAt: Date;
}

/** Events around the feedback, used to check the score against what the customer did. */
export interface FeedbackContext {
  /**
   * Events of the same customer in any order. Only types in FEEDBACK_BEHAVIOUR within
   * BEHAVIOUR_WINDOW_DAYS of `feedbackAt` count, so the whole history may be passed.
   */
  behaviour?: readonly FeedbackBehaviourEvent[];
  /** Time of the feedback. Required when `behaviour` is not empty. */
  feedbackAt?: Date;
}

/** Result of assessFeedbackConsistency. */
export interface FeedbackConsistency {
  status: FeedbackConsistencyStatus;
  /**
   * Human-readable findings behind `status`: each contradiction when inconsistent, what was
   * compared when consistent, and why nothing could be compared when not applicable.
   */
  reasons: string[];
  /** Stated score in -1..1: stars as (stars - 3) / 2, NPS as (nps - 5) / 5, their mean when both are given. */
  ratingValence: number | null;
  /** VADER compound of the text after the idioms that VADER misreads are removed, or null without text. */
  textValence: number | null;
  /** Evidence of the text in 0..1 (see textConfidence). The text is judged at TEXT_CONFIDENCE_TO_JUDGE or more. */
  textConfidence: number | null;
  /** Mean valence of the behaviour that counted, weighted by its evidence, or null when none counted. */
  behaviourValence: number | null;
  /** Largest distance in 0..2 between the stated score and a signal that was compared, or null when none was. */
  gap: number | null;
  /** Signals that contradicted the score. Empty unless `status` is 'inconsistent'. */
  contradictions: ConsistencySignal[];
}

/**
 * Stated valence from which text and behaviour may contradict a score: 1 or 5 stars, NPS
 * 0..1 or 9..10. These are the cut points of the `angry` and `delighted` labels. Moderate
 * scores (2 and 4 stars) usually come with a list of pros and cons, and a neutral 3 has no
 * direction to contradict.
 */
export const CLEAR_SCORE_VALENCE = EMOTION_CUT_POINTS.delightedAtLeast;

/**
 * Distance in -1..1 units from which a star rating and an NPS response given together
 * contradict each other: 5 stars with NPS 2 or less, 4 stars with NPS 0, 1 star with NPS 8
 * or more. Both are the customer's own numbers, so this rule needs no other evidence.
 */
export const SCORE_DISAGREEMENT_GAP = 1.5;

/**
 * Word count at which the length of a text no longer limits its evidence. A text with fewer
 * words rests on one or two lexicon hits, which VADER misreads most often ("fire", "sin").
 */
export const FULL_EVIDENCE_WORDS = 6;

/**
 * Text confidence at which the text is judged at all, for agreement or contradiction. At
 * FULL_EVIDENCE_WORDS or more this is |compound| >= 0.5. Shorter texts need a stronger
 * compound: 5 words need 0.6, 4 words 0.75, and 3 words the full 1.
 */
export const TEXT_CONFIDENCE_TO_JUDGE = 0.5;

/**
 * Compound from which one clause leans positive or negative: the ±0.05 band that the
 * vader-sentiment 1.1.3 README gives for neutral text. A text with a clause that leans
 * towards the score is mixed and never contradicts it.
 */
export const CLAUSE_LEAN_COMPOUND = 0.05;

/**
 * Days before and after the feedback within which behaviour counts. Long enough for a
 * complaint or cancellation that follows the rated experience, short enough that the act
 * and the score most likely concern the same experience.
 */
export const BEHAVIOUR_WINDOW_DAYS = 14;

/**
 * Factor on negative acts before the feedback. Surveys are often sent after a support
 * contact, so a 5-star rating two days after a complaint may rate how the complaint was
 * resolved. An act after the feedback counts fully.
 */
export const BEFORE_FEEDBACK_FACTOR = 0.5;

/**
 * Limit on the total evidence of positive acts against a negative score. A purchase or a
 * renewal after a 1-star rating weakens it, but people also buy out of need, so buying
 * again never contradicts a low score on its own.
 */
export const POSITIVE_BEHAVIOUR_MAX_EVIDENCE = 0.5;

/** Total contradiction evidence at which feedback is inconsistent. */
export const INCONSISTENCY_THRESHOLD = 1;

/** Meaning of one event type for the consistency check. */
export interface FeedbackBehaviourSignal {
  /** Valence of the act in -1..1, the same as in BEHAVIOUR_SIGNALS where the type is there. */
  valence: number;
  /** Contradiction evidence of one such act after the feedback. INCONSISTENCY_THRESHOLD flags on its own. */
  evidence: number;
}

/**
 * Event types that indicate satisfaction or dissatisfaction, keyed by normalized type. Complaints,
 * escalations and cancellations are deliberate acts and flag a clear positive score on
 * their own. A refund (often a plain return) and a failed payment (often an expired card)
 * are friction that may have nothing to do with the rated experience, so they count half
 * and flag only together with other evidence. Purchases and renewals are the positive acts,
 * and renewals take the valence of a purchase.
 */
export const FEEDBACK_BEHAVIOUR: Readonly<Record<string, FeedbackBehaviourSignal>> = Object.freeze({
  complaint: { valence: BEHAVIOUR_SIGNALS.complaint.valence, evidence: 1 },
  escalation: { valence: BEHAVIOUR_SIGNALS.escalation.valence, evidence: 1 },
  cancellation: { valence: BEHAVIOUR_SIGNALS.cancellation.valence, evidence: 1 },
  refund: { valence: BEHAVIOUR_SIGNALS.refund.valence, evidence: 0.5 },
  payment_failed: { valence: BEHAVIOUR_SIGNALS.payment_failed.valence, evidence: 0.5 },
  purchase: { valence: BEHAVIOUR_SIGNALS.purchase.valence, evidence: 0.5 },
  renewal: { valence: BEHAVIOUR_SIGNALS.purchase.valence, evidence: 0.5 },
  contract_renewal: { valence: BEHAVIOUR_SIGNALS.purchase.valence, evidence: 0.5 },
});

const MILLISECONDS_PER_DAY = 86_400_000;

/** Maps an NPS response to valence: 0 is -1, 5 is 0, 10 is +1. Responses outside 0..10 are clamped. */
export function npsValence(nps: number): number {
  const answer = Math.min(10, Math.max(0, nps));
  return (answer - 5) / 5;
}

/**
 * Returns the evidence of a text in 0..1: `|compound| * min(1, words / FULL_EVIDENCE_WORDS)`.
 * Both factors matter: "ok" is short and weak (0.05), a long factual message is weak
 * however long it is, and "Love it" is strong but too short to outweigh a misread word.
 */
export function textConfidence(compound: number, wordCount: number): number {
  return Math.abs(compound) * Math.min(1, wordCount / FULL_EVIDENCE_WORDS);
}

/**
 * Checks explicit feedback (stars, NPS and text) against itself and against the customer's
 * behaviour around it, and flags contradictions such as a 5-star rating with a strongly
 * negative text or with a complaint the next day.
 *
 * Feedback without a finite rating or NPS is 'not-applicable'. So is feedback with nothing
 * to compare the score with: no text that can be judged and no behaviour that counts. Each
 * contradiction adds evidence, and feedback is 'inconsistent' from INCONSISTENCY_THRESHOLD
 * on. Throws a RangeError when `behaviour` is not empty and `feedbackAt` is missing, or when
 * a date is invalid.
 */
export function assessFeedbackConsistency(
  feedback: ExplicitFeedback,
  context: FeedbackContext = {},
): FeedbackConsistency {
  const behaviour = context.behaviour ?? [];
  assertValidContext(behaviour, context.feedbackAt);

  const rating = isFiniteNumber(feedback.rating) ? Math.min(5, Math.max(1, feedback.rating)) : null;
  const nps = isFiniteNumber(feedback.nps) ? Math.min(10, Math.max(0, feedback.nps)) : null;
  if (rating === null && nps === null) {
    return {
      status: 'not-applicable',
      reasons: ['no star rating or NPS score'],
      ratingValence: null,
      textValence: null,
      textConfidence: null,
      behaviourValence: null,
      gap: null,
      contradictions: [],
    };
  }

  const score = describeScore(rating, nps);
  const findings: Finding[] = [];
  const scoresFinding = compareScores(rating, nps, score.label);
  if (scoresFinding !== null) {
    findings.push(scoresFinding);
  }

  const reading = readFeedbackText(feedback.text);
  const textFinding = compareText(score, reading);
  if (textFinding !== null) {
    findings.push(textFinding);
  }

  const behaviourResult = compareBehaviour(score, behaviour, context.feedbackAt);
  findings.push(...behaviourResult.findings);

  return decideStatus(score, reading, behaviourResult.valence, findings);
}

// ---------------------------------------------------------------------------------------
// Stated score

interface StatedScore {
  /** Valence in -1..1, the mean of the stars and the NPS when both are given. */
  valence: number;
  /** Wording for reasons, such as "5-star rating" or "NPS 9". */
  label: string;
  /** Whether the score is clear enough for text and behaviour to contradict it. */
  isClear: boolean;
}

function describeScore(rating: number | null, nps: number | null): StatedScore {
  const valences: number[] = [];
  const labels: string[] = [];
  if (rating !== null) {
    valences.push(starRatingValence(rating));
    labels.push(`${rating}-star rating`);
  }
  if (nps !== null) {
    valences.push(npsValence(nps));
    labels.push(`NPS ${nps}`);
  }
  const valence = valences.reduce((sum, value) => sum + value, 0) / valences.length;
  return { valence, label: labels.join(' with '), isClear: Math.abs(valence) >= CLEAR_SCORE_VALENCE };
}

// ---------------------------------------------------------------------------------------
// Findings and status

interface Finding {
  signal: ConsistencySignal;
  /** Contradiction evidence: 0 for a finding that agrees or only informs. */
  evidence: number;
  /** Whether the signal was compared with the score, which rules out 'not-applicable'. */
  compared: boolean;
  /** Valence of the compared signal for `gap`, or null when it has none. */
  valence: number | null;
  reason: string;
}

function decideStatus(
  score: StatedScore,
  reading: TextReading | null,
  behaviourValence: number | null,
  findings: readonly Finding[],
): FeedbackConsistency {
  const contradicting = findings.filter((finding) => finding.evidence > 0);
  const totalEvidence = contradicting.reduce((sum, finding) => sum + finding.evidence, 0);
  const compared = findings.filter((finding) => finding.compared);
  const distances = compared
    .filter((finding) => finding.valence !== null)
    .map((finding) => Math.abs(score.valence - (finding.valence as number)));

  const result = {
    ratingValence: score.valence,
    textValence: reading?.compound ?? null,
    textConfidence: reading?.confidence ?? null,
    behaviourValence,
    gap: distances.length > 0 ? Math.max(...distances) : null,
  };

  if (totalEvidence >= INCONSISTENCY_THRESHOLD) {
    const contradictions = [...new Set(contradicting.map((finding) => finding.signal))];
    const reasons = contradicting.map((finding) => finding.reason);
    return { status: 'inconsistent', reasons, contradictions, ...result };
  }

  const reasons = findings.map((finding) => finding.reason);
  if (compared.length === 0) {
    // Any behaviour that counted was compared, so here none counted, and a text was not judged.
    const noBehaviour = `no behaviour that counts within ${BEHAVIOUR_WINDOW_DAYS} days`;
    const missing = reading === null ? `no text and ${noBehaviour}` : noBehaviour;
    reasons.push(`nothing to compare the ${score.label} with: ${missing}`);
    return { status: 'not-applicable', reasons, contradictions: [], ...result };
  }
  return { status: 'consistent', reasons, contradictions: [], ...result };
}

function compareScores(rating: number | null, nps: number | null, label: string): Finding | null {
  if (rating === null || nps === null) {
    return null;
  }
  const ratingPart = starRatingValence(rating);
  const npsPart = npsValence(nps);
  const distance = Math.abs(ratingPart - npsPart);
  if (distance >= SCORE_DISAGREEMENT_GAP) {
    return {
      signal: 'scores',
      evidence: INCONSISTENCY_THRESHOLD,
      compared: true,
      valence: null,
      reason: `${rating}-star rating but NPS ${nps} (${formatNumber(distance)} apart on the -1..1 scale)`,
    };
  }
  return { signal: 'scores', evidence: 0, compared: true, valence: null, reason: `the ${label} agree` };
}

// ---------------------------------------------------------------------------------------
// Text

interface TextReading {
  /** Compound of the prepared text, or null when nothing scorable is left. */
  compound: number | null;
  wordCount: number;
  confidence: number;
  /** Compounds of the clauses of the prepared text, with whether each ends a question. */
  clauses: Array<{ compound: number; isQuestion: boolean }>;
  isEnglish: boolean;
  /** The text as written, for the caveat patterns. */
  text: string;
}

// Idioms that VADER (vader-sentiment 1.1.3 through scoreText) scores against their meaning.
// They are removed before scoring, so they count as neutral instead of as the opposite of
// their meaning. Typographic apostrophes are accepted.
const MISREAD_IDIOMS: readonly RegExp[] = [
  // "couldn't be happier" scores -0.42, because the negation reaches "happier".
  /\b(?:could(?:n['’]t| not)|can(?:['’]t|not| not))\s+(?:be|have been|ask for)\s+(?:any\s+)?(?:happier|better)\b/giu,
  // "can't recommend it enough" scores -0.28 for the same reason.
  /\b(?:could(?:n['’]t| not)|can(?:['’]t|not| not))\s+(?:[\p{L}'’]+\s+){1,3}?enough\b/giu,
  // "handy as hell" is praise, but "hell" is a negative lexicon word, and the phrase scores -0.68.
  /\bas (?:hell|heck)\b/giu,
  // In "nothing but annoying" the port negates "annoying" and scores the phrase positive,
  // but the phrase means "only annoying", so only "nothing but" is removed.
  /\bnothing but\b/giu,
];

// "no" before a word is a determiner, but the lexicon scores it as the interjection (-1.2),
// so "no issues" scores -0.30 and "no problems" -0.60. The phrase's meaning depends on the
// noun ("no problems" is praise, "no help" a complaint), so both go: everything from "no"
// up to the first sentiment word among the next three words is removed. When none of them
// is a sentiment word, only "no" is removed. A "no" before punctuation ("No, it works") stays.
const DETERMINER_NO = /\b(?:no|zero)\b((?:\s+[\p{L}'’]+){1,3})/giu;

// English function words, and frequent function words of Spanish, French, German, Italian
// and Portuguese. Words of both ("a", "no", "me") are in neither list. VADER's lexicon is
// English, so other languages score by accident ("sin" is -0.56 in "se quedó sin olor").
const ENGLISH_FUNCTION_WORDS: ReadonlySet<string> = new Set([
  'the', 'an', 'and', 'or', 'but', 'is', 'are', 'was', 'were', 'be', 'been', 'it', "it's", 'its',
  'this', 'that', 'to', 'of', 'in', 'on', 'for', 'with', 'my', 'i', "i'm", 'you', 'we', 'they', 'he',
  'she', 'not', 'have', 'has', 'had', 'do', 'does', 'did', 'so', 'very', 'at', 'as', 'by', 'from',
  'if', 'will', 'can', 'just', 'all', 'our', 'your', 'what', 'when', 'would', 'about',
]);
const FOREIGN_FUNCTION_WORDS: ReadonlySet<string> = new Set([
  'el', 'la', 'los', 'las', 'que', 'y', 'en', 'un', 'una', 'es', 'por', 'con', 'para', 'muy', 'pero',
  'este', 'esta', 'se', 'su', 'lo', 'del', 'al', 'mi', 'le', 'les', 'et', 'est', 'une', 'des', 'du',
  'pour', 'pas', 'avec', 'très', 'mais', 'je', 'il', 'sur', 'der', 'das', 'und', 'ist', 'nicht',
  'ein', 'eine', 'mit', 'sehr', 'aber', 'ich', 'che', 'di', 'per', 'molto', 'ma', 'è', 'não', 'com',
  'muito', 'é', 'de',
]);

const WORD_PATTERN = /[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu;
// Sentences end at . ! ? … or a line break, also without a space after ("it...all").
const SENTENCE_END = /(?<=[.!?…])|[\r\n]+/u;
// Clauses are split at commas, semicolons, colons, spaced dashes and contrast words. VADER
// lets a negation reach across a comma ("Not good, terrible" +0.04) and mixes opposite
// clauses of one sentence into one compound, which would hide a clause that agrees with
// the score.
const CLAUSE_BREAK = /[,;:]+|\s[-–—]+\s|\b(?:but|however|although|though)\b/iu;

/**
 * Reads a feedback text for the consistency check, or returns null when there is none.
 * The compound and the clause scores are taken after removeMisreadPhrases, and the word
 * count from the text as written. Text that does not look English gets confidence 0.
 */
function readFeedbackText(text: string | null | undefined): TextReading | null {
  if (text == null || text.trim() === '') {
    return null;
  }
  const words = text.match(WORD_PATTERN) ?? [];
  const prepared = removeMisreadPhrases(text);
  const compound = scoreText(prepared)?.compound ?? null;
  const isEnglish = looksEnglish(words);
  const confidence = compound !== null && isEnglish ? textConfidence(compound, words.length) : 0;

  const clauses = splitClauses(prepared).map((clause) => ({
    compound: scoreText(clause.text)?.compound ?? 0,
    isQuestion: clause.isQuestion,
  }));
  return { compound, wordCount: words.length, confidence, clauses, isEnglish, text };
}

function splitClauses(text: string): Array<{ text: string; isQuestion: boolean }> {
  const clauses: Array<{ text: string; isQuestion: boolean }> = [];
  for (const sentence of text.split(SENTENCE_END)) {
    const isQuestion = sentence.trimEnd().endsWith('?');
    for (const clause of sentence.split(CLAUSE_BREAK)) {
      if (/[\p{L}\p{N}\p{Extended_Pictographic}]/u.test(clause)) {
        clauses.push({ text: clause, isQuestion });
      }
    }
  }
  return clauses;
}

/** Removes the phrases that VADER scores against their meaning (see MISREAD_IDIOMS and DETERMINER_NO). */
export function removeMisreadPhrases(text: string): string {
  let prepared = text;
  for (const idiom of MISREAD_IDIOMS) {
    prepared = prepared.replace(idiom, ' ');
  }
  return prepared.replace(DETERMINER_NO, (_match, following: string) => {
    const nextWords = following.trim().split(/\s+/u);
    const sentimentIndex = nextWords.findIndex((word) => (scoreText(word)?.compound ?? 0) !== 0);
    // Without a sentiment word only "no" goes, so "no issues" becomes the neutral "issues".
    return ` ${nextWords.slice(sentimentIndex + 1).join(' ')}`;
  });
}

/** Treats a text as English unless at least two function words of other languages outnumber the English ones. */
function looksEnglish(words: readonly string[]): boolean {
  let english = 0;
  let foreign = 0;
  for (const word of words) {
    const lower = word.toLowerCase().replace(/’/gu, "'");
    if (ENGLISH_FUNCTION_WORDS.has(lower)) {
      english += 1;
    } else if (FOREIGN_FUNCTION_WORDS.has(lower)) {
      foreign += 1;
    }
  }
  return foreign < 2 || foreign <= english;
}

// Cues that a positive-sounding text still complains, checked only against a negative
// score. Each can also occur in honest praise, which only costs a missed flag.
// NOTE: sarcasm without a cue word is still flagged under 1 star, for example "Wow, what a
// wonderful experience, I really love waiting three weeks for a delivery." (+0.89).
const POSITIVE_TEXT_CAVEATS: ReadonlyArray<{ pattern: RegExp; meaning: string }> = [
  {
    pattern:
      /\b(?:thanks|thank you)(?: a lot| so much)? for nothing\b|\bjust (?:great|perfect|wonderful|fantastic|brilliant|lovely|awesome)\b|\byeah,? right\b|\boh,? (?:great|joy|wonderful|perfect|fantastic|brilliant)\b|\bso much for\b|\bwhat a joke\b|\bgee,? thanks\b/iu,
    meaning: 'may be sarcastic',
  },
  {
    pattern: /\b(?:but|however|although|though|until|till|unfortunately|except)\b/iu,
    meaning: 'turns from praise to something else',
  },
  {
    pattern:
      /\bwould(?:['’]ve| have| love| like| be| give)\b|\b(?:wish(?:ed)?|hop(?:e|ed|ing)|wanted|expect(?:ed|ing)?|supposed to|if only|used to|at first|initially)\b/iu,
    meaning: 'describes a wish, an expectation or an earlier state',
  },
  {
    pattern:
      /\b(?:stopped|quit|ceased)\s+(?:working|responding|charging|connecting)\b|\b(?:does(?:n['’]t| not)|do(?:n['’]t| not)|did(?:n['’]t| not)|won['’]t|will not|can(?:['’]t|not| not)|could(?:n['’]t| not)|is(?:n['’]t| not)|was(?:n['’]t| not)|never|no longer)\s+(?:even\s+|always\s+|really\s+|properly\s+)?(?:work|works|working|worked|respond|connect|pair|turn on|charge|load|arrive|arrived|answer|understand|recogni[sz]e|hear|play|fit|last|sync|log in|sign in)\b|\b(?:do(?:n['’]t| not)|never)\s+(?:buy|waste|bother)\b|\bwrong (?:item|product|size|order|one)\b|\b(?:sen(?:t|d|ding)|take|took|taking) (?:it|them) back\b|\breturned (?:it|them)\b/iu,
    meaning: 'reports a problem',
  },
];

/** Compares the text with the stated score. Returns null when there is no text. */
function compareText(score: StatedScore, reading: TextReading | null): Finding | null {
  if (reading === null) {
    return null;
  }
  const notCompared = (reason: string): Finding => ({ signal: 'text', evidence: 0, compared: false, valence: null, reason });

  if (reading.compound === null) {
    return notCompared('text has no words left to score once the idioms that VADER misreads are removed');
  }
  if (!reading.isEnglish) {
    return notCompared('text not judged: it does not look like English, and VADER scores English only');
  }
  const compound = formatSigned(reading.compound);
  if (reading.confidence < TEXT_CONFIDENCE_TO_JUDGE) {
    return notCompared(
      `text too short or too neutral to judge (compound ${compound}, ${countWords(reading.wordCount)}, ` +
        `confidence ${formatNumber(reading.confidence)} below ${TEXT_CONFIDENCE_TO_JUDGE})`,
    );
  }

  const judged = { signal: 'text' as const, compared: true, valence: reading.compound };
  const direction = Math.sign(score.valence);
  const opposes = direction !== 0 && Math.sign(reading.compound) === -direction;
  const tone = reading.compound > 0 ? 'positive' : 'negative';
  if (direction === 0 || (opposes && !score.isClear)) {
    return {
      ...judged,
      evidence: 0,
      reason: `text is ${tone} (compound ${compound}), which a moderate ${score.label} allows`,
    };
  }
  if (!opposes) {
    return { ...judged, evidence: 0, reason: `text agrees with the ${score.label} (compound ${compound})` };
  }

  const caveat = findTextCaveat(reading, direction);
  if (caveat !== null) {
    return { ...judged, evidence: 0, reason: `text is ${tone} overall (compound ${compound}) but ${caveat}` };
  }
  return {
    ...judged,
    evidence: INCONSISTENCY_THRESHOLD,
    reason: `${score.label} but the text is strongly ${tone} (compound ${compound})`,
  };
}

/**
 * Returns why a text that opposes a clear score should not count against it, or null when
 * nothing speaks against the contradiction. `direction` is the sign of the score.
 */
function findTextCaveat(reading: TextReading, direction: number): string | null {
  const agreeing = reading.clauses.some((clause) => clause.compound * direction >= CLAUSE_LEAN_COMPOUND);
  if (agreeing) {
    return 'also has a clause that leans the way of the score, so it reads as mixed';
  }
  if (direction > 0) {
    return null;
  }

  const positiveQuestion = reading.clauses.some(
    (clause) => clause.isQuestion && clause.compound >= CLAUSE_LEAN_COMPOUND,
  );
  if (positiveQuestion) {
    return 'its praise is a question, which may be rhetorical';
  }
  for (const caveat of POSITIVE_TEXT_CAVEATS) {
    const match = caveat.pattern.exec(reading.text);
    if (match !== null) {
      return `${caveat.meaning} ("${match[0]}")`;
    }
  }
  return null;
}

// ---------------------------------------------------------------------------------------
// Behaviour

/** Events of one type on one side of the feedback that count as evidence. */
interface BehaviourGroup {
  type: string;
  side: 'before' | 'after';
  signal: FeedbackBehaviourSignal;
  count: number;
  /** Sum of evidence times the side factor over the events. */
  weight: number;
  nearestDays: number;
}

/**
 * Compares the behaviour within BEHAVIOUR_WINDOW_DAYS of the feedback with the stated score.
 * Returns one finding per event type and side, and the weighted mean valence of the acts.
 */
function compareBehaviour(
  score: StatedScore,
  behaviour: readonly FeedbackBehaviourEvent[],
  feedbackAt: Date | undefined,
): { findings: Finding[]; valence: number | null } {
  if (feedbackAt == null) {
    return { findings: [], valence: null };
  }
  const groups = groupBehaviour(behaviour, feedbackAt);
  if (groups.length === 0) {
    return { findings: [], valence: null };
  }

  const direction = Math.sign(score.valence);
  let positiveEvidenceLeft = POSITIVE_BEHAVIOUR_MAX_EVIDENCE;
  const findings = groups.map((group): Finding => {
    const acts = describeActs(group);
    const agreement = { signal: 'behaviour' as const, evidence: 0, compared: true, valence: group.signal.valence };
    const opposes = direction !== 0 && Math.sign(group.signal.valence) === -direction;
    if (direction === 0 || (opposes && !score.isClear)) {
      return { ...agreement, reason: `${acts}, which a moderate ${score.label} allows` };
    }
    if (!opposes) {
      const verb = group.count === 1 ? 'agrees' : 'agree';
      return { ...agreement, reason: `${acts} ${verb} with the ${score.label}` };
    }

    if (group.signal.valence < 0) {
      const evidence = group.weight;
      return { ...agreement, evidence, reason: `${score.label} but ${acts}${describeShare(evidence)}` };
    }
    const evidence = Math.min(group.weight, positiveEvidenceLeft);
    positiveEvidenceLeft -= evidence;
    const share = evidence > 0
      ? describeShare(evidence)
      : ` (no more evidence: positive acts add ${POSITIVE_BEHAVIOUR_MAX_EVIDENCE} at most)`;
    return { ...agreement, evidence, reason: `${score.label} but ${acts}, which weakens it${share}` };
  });

  const totalWeight = groups.reduce((sum, group) => sum + group.weight, 0);
  const valence = groups.reduce((sum, group) => sum + group.signal.valence * group.weight, 0) / totalWeight;
  return { findings, valence };
}

/**
 * Groups the events that count by type and side, in time order. Negative acts before the
 * feedback count with BEFORE_FEEDBACK_FACTOR. Positive acts before it do not count, because
 * customers rate what they bought. An event at the feedback's time counts as after it.
 */
function groupBehaviour(behaviour: readonly FeedbackBehaviourEvent[], feedbackAt: Date): BehaviourGroup[] {
  const groups = new Map<string, BehaviourGroup>();
  const inTimeOrder = [...behaviour].sort((left, right) => left.occurredAt.getTime() - right.occurredAt.getTime());
  for (const event of inTimeOrder) {
    const signal = lookupByEventName(FEEDBACK_BEHAVIOUR, event.type);
    const days = (event.occurredAt.getTime() - feedbackAt.getTime()) / MILLISECONDS_PER_DAY;
    if (signal === undefined || Math.abs(days) > BEHAVIOUR_WINDOW_DAYS) {
      continue;
    }
    const side = days >= 0 ? 'after' : 'before';
    if (side === 'before' && signal.valence > 0) {
      continue;
    }
    const sideFactor = side === 'after' ? 1 : BEFORE_FEEDBACK_FACTOR;

    const type = normalizeEventName(event.type);
    const key = `${type} ${side}`;
    const group = groups.get(key) ?? { type, side, signal, count: 0, weight: 0, nearestDays: Infinity };
    group.count += 1;
    group.weight += signal.evidence * sideFactor;
    group.nearestDays = Math.min(group.nearestDays, Math.abs(days));
    groups.set(key, group);
  }
  return [...groups.values()];
}

const ACT_NAMES: Readonly<Record<string, string>> = Object.freeze({
  payment_failed: 'failed payment',
  contract_renewal: 'contract renewal',
});

/** Words such as "a complaint 3 days after the feedback" or "2 refunds before the feedback, the nearest within a day". */
function describeActs(group: BehaviourGroup): string {
  const name = ACT_NAMES[group.type] ?? group.type.replace(/_/g, ' ');
  const timing = group.nearestDays < 1
    ? `within a day ${group.side} the feedback`
    : `${Math.round(group.nearestDays)} days ${group.side} the feedback`.replace(/^1 days/, '1 day');
  if (group.count === 1) {
    const article = /^[aeiou]/.test(name) ? 'an' : 'a';
    return `${article} ${name} ${timing}`;
  }
  return `${group.count} ${name}s ${group.side} the feedback, the nearest ${timing.replace(/ the feedback$/, '')}`;
}

/** Words for evidence below the threshold, such as " (evidence 0.5 of the 1 needed)", or "" at the threshold. */
function describeShare(evidence: number): string {
  if (evidence >= INCONSISTENCY_THRESHOLD) {
    return '';
  }
  return ` (evidence ${formatNumber(evidence)} of the ${INCONSISTENCY_THRESHOLD} needed)`;
}

// ---------------------------------------------------------------------------------------
// Input checks and formatting

function assertValidContext(behaviour: readonly FeedbackBehaviourEvent[], feedbackAt: Date | undefined): void {
  if (feedbackAt != null) {
    assertValidDate(feedbackAt, 'feedbackAt');
  } else if (behaviour.length > 0) {
    throw new RangeError(
      'Missing feedbackAt: behaviour can only be placed before or after feedback whose time is known. ' +
        'Pass the time of the feedback event.',
    );
  }
  behaviour.forEach((event, index) => assertValidDate(event.occurredAt, `behaviour[${index}].occurredAt`));
}

function countWords(count: number): string {
  return count === 1 ? '1 word' : `${count} words`;
}

/** Formats a compound with its sign and two decimals, such as "+0.72" or "-0.05". */
function formatSigned(value: number): string {
  const fixed = value.toFixed(2);
  return value > 0 ? `+${fixed}` : fixed;
}

/** Formats a number with at most two decimals and no trailing zeros, such as "0.5". */
function formatNumber(value: number): string {
  return String(Number(value.toFixed(2)));
}
