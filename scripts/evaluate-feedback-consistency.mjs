// Runs assessFeedbackConsistency over the Amazon Alexa product reviews (star rating and
// free text, no behaviour) and prints Markdown tables on stdout:
// - flagged reviews per star rating, next to a plain-VADER rule without the safeguards:
//   a 1- or 5-star rating whose text scoreText puts at 0.5 or more on the other side;
// - a swapped-rating check: every 1- and 5-star review assessed again with the opposite
//   rating, which shows how many planted contradictions the rule finds;
// - why the plain-VADER flags were not flagged by the rule;
// - example flags: those of the rule first, then those of the plain-VADER rule only
//   (see pickExamples).
//
// The reviews are taken to be honest, so every flag on the real ratings is a candidate
// false alarm to be judged by hand.
//
// Wayline is loaded from the compiled output through the package import `#wayline/journeys`
// (dist/libs/journeys/src/index.js), because Node 20 cannot run TypeScript and the build
// config compiles apps, libs and bench only. `npm run eval:consistency` builds first.
// Run `node scripts/evaluate-feedback-consistency.mjs --help` for the options.
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parse as parseCsv } from 'csv-parse/sync';
import {
  CLEAR_SCORE_VALENCE,
  TEXT_CONFIDENCE_TO_JUDGE,
  assessFeedbackConsistency,
  ratingValence,
  scoreText,
} from '#wayline/journeys';

const PROJECT_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const REVIEWS_FILE = 'amazon_alexa_reviews.tsv';
const STARS = [1, 2, 3, 4, 5];
/** |compound| from which the plain-VADER rule counts a text as opposing a clear rating. */
const PLAIN_RULE_COMPOUND = 0.5;
const EXCERPT_CHARACTERS = 110;

const HELP = `Usage: node scripts/evaluate-feedback-consistency.mjs [options]

  --data-dir DIR   folder with ${REVIEWS_FILE}
                   (default: ../shared/data relative to the project folder)
  --examples N     number of flagged reviews to print (default 10)
  --help           print this help`;

function readOptions() {
  const { values } = parseArgs({
    options: {
      'data-dir': { type: 'string', default: resolve(PROJECT_DIR, '..', 'shared', 'data') },
      examples: { type: 'string', default: '10' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    process.exit(0);
  }
  const examples = Number(values.examples);
  if (!Number.isSafeInteger(examples) || examples < 0) {
    console.error(`Invalid --examples ${values.examples}: pass a whole number of 0 or more.`);
    process.exit(2);
  }
  return { dataDir: values['data-dir'], examples };
}

/**
 * Reads the reviews: UTF-8 with a byte order mark, CRLF line ends, tab-separated, `"` as
 * quote. Exits with the file line of the first rating that is not a whole number from 1 to 5.
 */
function readReviews(path) {
  const records = parseCsv(readFileSync(path), {
    bom: true,
    columns: true,
    delimiter: '\t',
    quote: '"',
    info: true,
  });
  return records.map(({ record, info }) => {
    const rating = Number(record.rating);
    if (!Number.isInteger(rating) || rating < 1 || rating > 5) {
      console.error(`Invalid rating ${JSON.stringify(record.rating)} on line ${info.lines} of ${path}: expected 1 to 5.`);
      process.exit(1);
    }
    return { line: info.lines, rating, text: record.verified_reviews ?? '' };
  });
}

/** Returns whether the rule without safeguards flags a review: a clear rating and a text at PLAIN_RULE_COMPOUND or more on the other side. */
function isFlaggedByPlainRule(rating, text) {
  const valence = ratingValence(rating);
  const compound = scoreText(text)?.compound ?? 0;
  return Math.abs(valence) >= CLEAR_SCORE_VALENCE && Math.abs(compound) >= PLAIN_RULE_COMPOUND
    && Math.sign(compound) === -Math.sign(valence);
}

function percent(part, whole) {
  return whole === 0 ? '-' : `${((100 * part) / whole).toFixed(1)}%`;
}

function excerpt(text) {
  const flat = text.replace(/\s+/g, ' ').trim();
  const short = flat.length > EXCERPT_CHARACTERS ? `${flat.slice(0, EXCERPT_CHARACTERS - 1)}…` : flat;
  return short.replace(/\|/g, '\\|');
}

function printTable(header, rows) {
  console.log(`| ${header.join(' | ')} |`);
  console.log(`| ${header.map(() => '---').join(' | ')} |`);
  for (const row of rows) {
    console.log(`| ${row.join(' | ')} |`);
  }
  console.log('');
}

/** Counts per star of the rule's statuses and of the plain-VADER flags, with a total row. */
function countByStars(assessed) {
  const groups = [...STARS.map((stars) => [stars, assessed.filter((review) => review.rating === stars)]), ['all', assessed]];
  return groups.map(([stars, group]) => {
    const count = (status) => group.filter((review) => review.result.status === status).length;
    const flagged = count('inconsistent');
    return [
      stars,
      group.length,
      group.filter((review) => review.text.trim() === '').length,
      count('not-applicable'),
      count('consistent'),
      flagged,
      percent(flagged, group.length),
      group.filter((review) => review.plainFlag).length,
    ];
  });
}

/** Assesses every 1- and 5-star review again with the opposite rating. */
function countSwapped(reviews) {
  return [[5, 1], [1, 5]].map(([from, to]) => {
    const group = reviews.filter((review) => review.rating === from);
    const results = group.map((review) => assessFeedbackConsistency({ rating: to, text: review.text }));
    // Text in another language gets confidence 0, so it never counts as judged.
    const judged = results.filter((result) => (result.textConfidence ?? 0) >= TEXT_CONFIDENCE_TO_JUDGE).length;
    const flagged = results.filter((result) => result.status === 'inconsistent').length;
    return [`${from} → ${to}`, group.length, judged, flagged, percent(flagged, group.length), percent(flagged, judged)];
  });
}

/** Groups the plain-VADER flags that the rule did not flag by the rule's text finding. */
function countSuppressed(assessed) {
  const counts = new Map();
  for (const review of assessed) {
    if (!review.plainFlag || review.result.status === 'inconsistent') {
      continue;
    }
    const textReason = review.result.reasons.find((reason) => reason.startsWith('text')) ?? review.result.reasons[0];
    const kind = textReason.replace(/\s*\([^)]*\)/g, '');
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  return [...counts.entries()].sort((left, right) => right[1] - left[1]);
}

/**
 * Picks up to `limit` flagged reviews with distinct texts: the rule's flags first, then the
 * plain-VADER rule's. Within each, the star ratings take turns, highest first, and each
 * rating's reviews come in file order, so that rare 5-star flags are not crowded out.
 */
function pickExamples(assessed, limit) {
  const seenTexts = new Set();
  const examples = [];
  const groups = [
    ['rule', assessed.filter((review) => review.result.status === 'inconsistent')],
    ['plain VADER only', assessed.filter((review) => review.plainFlag && review.result.status !== 'inconsistent')],
  ];
  for (const [flaggedBy, group] of groups) {
    const queues = [...STARS].reverse()
      .map((stars) => group.filter((review) => review.rating === stars && !seenTexts.has(review.text)));
    while (examples.length < limit && queues.some((queue) => queue.length > 0)) {
      for (const queue of queues) {
        const review = queue.shift();
        if (review === undefined || examples.length === limit || seenTexts.has(review.text)) {
          continue;
        }
        seenTexts.add(review.text);
        examples.push({ ...review, flaggedBy });
      }
    }
  }
  return examples;
}

function main() {
  const options = readOptions();
  const path = resolve(options.dataDir, REVIEWS_FILE);
  const reviews = readReviews(path);

  const startedAt = performance.now();
  const assessed = reviews.map((review) => ({
    ...review,
    result: assessFeedbackConsistency({ rating: review.rating, text: review.text }),
    plainFlag: isFlaggedByPlainRule(review.rating, review.text),
  }));
  const elapsedMs = performance.now() - startedAt;

  const distinctTexts = new Set(reviews.map((review) => review.text)).size;
  console.log(`# Feedback consistency on ${REVIEWS_FILE}\n`);
  console.log(`${reviews.length} reviews, ${distinctTexts} distinct texts (many rows repeat an earlier row's text, date and rating).`);
  console.log(`Assessed in ${elapsedMs.toFixed(0)} ms on ${availableParallelism()} CPUs (${cpus()[0]?.model ?? 'unknown model'}), Node ${process.version}.\n`);

  console.log('## Flags on the real ratings\n');
  printTable(
    ['Stars', 'Reviews', 'Empty text', 'Not applicable', 'Consistent', 'Inconsistent', 'Flag rate', 'Plain-VADER flags'],
    countByStars(assessed),
  );

  console.log('## Swapped ratings (planted contradictions)\n');
  printTable(['Stars', 'Reviews', 'Text judged', 'Flagged', 'Of all', 'Of judged'], countSwapped(reviews));

  console.log('## Plain-VADER flags that the rule does not flag, by the rule\'s finding\n');
  printTable(['Finding', 'Reviews'], countSuppressed(assessed));

  console.log(`## ${options.examples} flagged examples\n`);
  const examples = pickExamples(assessed, options.examples);
  printTable(
    ['Line', 'Stars', 'Flagged by', 'Text (excerpt)', 'Rule\'s reasons'],
    examples.map((review) => [
      review.line,
      review.rating,
      review.flaggedBy,
      `"${excerpt(review.text)}"`,
      review.result.reasons.join('; ').replace(/\|/g, '\\|'),
    ]),
  );
  if (examples.length < options.examples) {
    console.log(`Only ${examples.length} reviews with distinct texts were flagged by either rule.`);
  }
}

main();
