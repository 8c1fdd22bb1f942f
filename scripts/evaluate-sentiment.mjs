// Compares Wayline's scoreText with the npm packages vader-sentiment and sentiment on two
// human-labelled tweet sets, in one run on the same texts:
// - VADER tweets (id, mean human rating in -4..4, text): Pearson and Spearman correlation.
// - Airline tweets (negative / neutral / positive): 3-class macro-F1, accuracy and per-class
//   F1, at conventional thresholds and at thresholds tuned on a seeded half of the data,
//   plus the correlation with the labels coded -1 / 0 / 1.
// Each data set is split into a tuning half and a test half with the same seed for every
// method, and the test half is reported apart, because Wayline's domain words were chosen by
// looking at the tuning half only. Paired bootstrap intervals on the test half say whether a
// difference between two methods is larger than the sampling noise.
//
// Wayline is loaded from the compiled output, so build first: `npm run eval:sentiment` does
// both. Run `node scripts/evaluate-sentiment.mjs --help` for the options.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';
import { parse as parseCsv } from 'csv-parse/sync';

const require = createRequire(import.meta.url);
const vaderSentiment = require('vader-sentiment');
const Sentiment = require('sentiment');

const PROJECT_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const VADER_TWEETS_FILE = 'vader_tweets_GroundTruth.txt';
const AIRLINE_TWEETS_FILE = 'twitter_airline_sentiment.csv';
const CLASSES = ['negative', 'neutral', 'positive'];
const CLASS_CODES = { negative: -1, neutral: 0, positive: 1 };

// ---------------------------------------------------------------------------------------
// Options

const HELP = `Usage: node scripts/evaluate-sentiment.mjs [options]

  --data-dir DIR     folder with ${VADER_TWEETS_FILE} and ${AIRLINE_TWEETS_FILE}
                     (default: ../shared/data relative to the project folder)
  --scorer FILE      compiled module that exports scoreText
                     (default: dist/libs/journeys/src/scoring/text-sentiment.js)
  --baseline FILE    a second compiled scoreText, reported as "wayline-baseline"
  --json FILE        write every figure as JSON to FILE
  --seed N           seed of the tuning/test split and of the bootstrap (default 1)
  --bootstrap N      bootstrap resamples for the intervals on the test half, 0 to skip (default 1000)
  --errors N         print the N airline tweets of the TUNING half that Wayline misclassifies
                     most (at the tuned thresholds), and the N VADER tweets of the tuning half
                     with the largest rank error; for error analysis (default 0)
  --help             print this help`;

function readOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      'data-dir': { type: 'string', default: resolve(PROJECT_DIR, '../shared/data') },
      scorer: { type: 'string', default: resolve(PROJECT_DIR, 'dist/libs/journeys/src/scoring/text-sentiment.js') },
      baseline: { type: 'string' },
      json: { type: 'string' },
      seed: { type: 'string', default: '1' },
      bootstrap: { type: 'string', default: '1000' },
      errors: { type: 'string', default: '0' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const options = {
    dataDir: resolve(values['data-dir']),
    scorer: resolve(values.scorer),
    baseline: values.baseline === undefined ? undefined : resolve(values.baseline),
    json: values.json === undefined ? undefined : resolve(values.json),
    seed: Number(values.seed),
    bootstrap: Number(values.bootstrap),
    errors: Number(values.errors),
    help: values.help,
  };
  for (const name of ['seed', 'bootstrap', 'errors']) {
    if (!Number.isInteger(options[name]) || options[name] < 0) {
      throw new Error(`Invalid --${name} ${JSON.stringify(values[name])}: expected a whole number, 0 or more.`);
    }
  }
  return options;
}

// ---------------------------------------------------------------------------------------
// Data

export function readVaderTweets(path) {
  const rows = [];
  for (const [lineIndex, line] of readFileSync(path, 'utf8').split('\n').entries()) {
    if (line.trim() === '') {
      continue;
    }
    const [id, rating, ...textParts] = line.split('\t');
    const value = Number(rating);
    if (textParts.length === 0 || !Number.isFinite(value)) {
      throw new Error(`Invalid line ${lineIndex + 1} in ${path}: expected id, rating and text separated by tabs.`);
    }
    rows.push({ id, rating: value, text: textParts.join('\t') });
  }
  return rows;
}

export function readAirlineTweets(path) {
  const records = parseCsv(readFileSync(path), { columns: true, skip_empty_lines: true });
  return records.map((record, index) => {
    if (!CLASSES.includes(record.airline_sentiment)) {
      throw new Error(`Invalid airline_sentiment ${JSON.stringify(record.airline_sentiment)} in data row ${index + 1} of ${path}.`);
    }
    return { id: record.tweet_id, label: record.airline_sentiment, text: record.text };
  });
}

function sha256Of(path) {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

// ---------------------------------------------------------------------------------------
// Methods. Each maps a text to a number where higher is more positive.

// The sentiment package sums AFINN-165 word scores (each -5..5). Its `score` is squashed to
// -1..1 with VADER's own normalization, score / sqrt(score^2 + 15), so that it sits on the
// same scale as a VADER compound. `comparative` is score divided by the number of tokens.
const SENTIMENT_NORMALIZATION_ALPHA = 15;

async function loadMethods(options) {
  const wayline = await import(pathToFileURL(options.scorer).href);
  const sentiment = new Sentiment();
  const methods = [
    { name: 'wayline', score: (text) => wayline.scoreText(text)?.compound ?? 0, conventional: 'vader' },
  ];
  if (options.baseline !== undefined) {
    const baseline = await import(pathToFileURL(options.baseline).href);
    methods.push({ name: 'wayline-baseline', score: (text) => baseline.scoreText(text)?.compound ?? 0, conventional: 'vader' });
  }
  methods.push(
    {
      name: 'vader-sentiment',
      score: (text) => vaderSentiment.SentimentIntensityAnalyzer.polarity_scores(text).compound,
      conventional: 'vader',
    },
    {
      name: 'sentiment-score',
      score: (text) => {
        const { score } = sentiment.analyze(text);
        return score / Math.sqrt(score * score + SENTIMENT_NORMALIZATION_ALPHA);
      },
      conventional: 'sign',
    },
    { name: 'sentiment-comparative', score: (text) => sentiment.analyze(text).comparative, conventional: 'sign' },
  );
  return methods;
}

// Conventional cut points. A score at or above `positiveFrom` is positive, at or below
// `negativeUpTo` negative, anything between neutral. VADER's authors use +-0.05 on the
// compound. The sentiment package has no such rule, so the sign of its score is used.
const CONVENTIONAL_THRESHOLDS = {
  vader: { negativeUpTo: -0.05, positiveFrom: 0.05, rule: 'compound <= -0.05 / >= 0.05' },
  sign: { negativeUpTo: -Number.MIN_VALUE, positiveFrom: Number.MIN_VALUE, rule: 'score < 0 / > 0' },
};

// ---------------------------------------------------------------------------------------
// Statistics

/** Mulberry32: a small seeded generator of uniform numbers in [0, 1), so splits are reproducible. */
export function createRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Splits indices 0..n-1 by a seeded Fisher-Yates shuffle into a tuning half and a test half. */
export function splitHalves(n, seed) {
  const random = createRandom(seed);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const half = Math.floor(n / 2);
  return { tune: order.slice(0, half).sort((a, b) => a - b), test: order.slice(half).sort((a, b) => a - b) };
}

export function pearson(xs, ys) {
  const n = xs.length;
  let meanX = 0;
  let meanY = 0;
  for (let i = 0; i < n; i++) {
    meanX += xs[i];
    meanY += ys[i];
  }
  meanX /= n;
  meanY /= n;
  let covariance = 0;
  let varianceX = 0;
  let varianceY = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i] - meanX;
    const dy = ys[i] - meanY;
    covariance += dx * dy;
    varianceX += dx * dx;
    varianceY += dy * dy;
  }
  return covariance / Math.sqrt(varianceX * varianceY);
}

/** Ranks from 1 to n, ties getting the mean of the ranks they span. */
export function averageRanks(values) {
  const order = Array.from(values.keys()).sort((a, b) => values[a] - values[b]);
  const ranks = new Array(values.length);
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && values[order[end + 1]] === values[order[start]]) {
      end++;
    }
    const rank = (start + end) / 2 + 1;
    for (let k = start; k <= end; k++) {
      ranks[order[k]] = rank;
    }
    start = end + 1;
  }
  return ranks;
}

export function spearman(xs, ys) {
  return pearson(averageRanks(xs), averageRanks(ys));
}

export function classify(score, thresholds) {
  if (score >= thresholds.positiveFrom) {
    return 'positive';
  }
  return score <= thresholds.negativeUpTo ? 'negative' : 'neutral';
}

/** Accuracy, macro-F1 and per-class precision, recall and F1 of predicted against true labels. */
export function classificationReport(predicted, actual) {
  const perClass = {};
  let correct = 0;
  for (let i = 0; i < actual.length; i++) {
    if (predicted[i] === actual[i]) {
      correct++;
    }
  }
  let f1Sum = 0;
  for (const label of CLASSES) {
    let truePositives = 0;
    let predictedCount = 0;
    let actualCount = 0;
    for (let i = 0; i < actual.length; i++) {
      const isPredicted = predicted[i] === label;
      const isActual = actual[i] === label;
      predictedCount += isPredicted ? 1 : 0;
      actualCount += isActual ? 1 : 0;
      truePositives += isPredicted && isActual ? 1 : 0;
    }
    const precision = predictedCount === 0 ? 0 : truePositives / predictedCount;
    const recall = actualCount === 0 ? 0 : truePositives / actualCount;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    perClass[label] = { precision, recall, f1, support: actualCount };
    f1Sum += f1;
  }
  return { accuracy: correct / actual.length, macroF1: f1Sum / CLASSES.length, perClass };
}

export function macroF1(scores, labels, thresholds) {
  return classificationReport(scores.map((score) => classify(score, thresholds)), labels).macroF1;
}

/**
 * Finds the cut points that maximize macro-F1 on the given scores. Candidates are the
 * midpoints between consecutive distinct values among the 0.5%-quantiles of the scores, plus
 * the conventional ones, so every candidate lies between two observed scores. Ties keep the
 * first pair found, which has the lowest cut points.
 */
export function tuneThresholds(scores, labels, conventional) {
  const order = Array.from(scores.keys()).sort((a, b) => scores[a] - scores[b]);
  const sorted = order.map((i) => scores[i]);
  const quantiles = [];
  for (let q = 0; q <= 200; q++) {
    quantiles.push(sorted[Math.round((q / 200) * (sorted.length - 1))]);
  }
  const distinct = [...new Set(quantiles)];
  const candidates = [conventional.negativeUpTo, conventional.positiveFrom];
  for (let i = 0; i + 1 < distinct.length; i++) {
    candidates.push((distinct[i] + distinct[i + 1]) / 2);
  }
  const cuts = [...new Set(candidates)].sort((a, b) => a - b);

  // prefix[k][c]: rows of class c among the k lowest scores, so the class counts on either
  // side of any cut take one binary search.
  const classIndex = new Map(CLASSES.map((label, c) => [label, c]));
  const prefix = [[0, 0, 0]];
  for (const i of order) {
    const counts = [...prefix[prefix.length - 1]];
    counts[classIndex.get(labels[i])]++;
    prefix.push(counts);
  }
  const countAtOrBelow = (cut) => prefix[upperBound(sorted, cut)];
  const countAtOrAbove = (cut) => {
    const total = prefix[sorted.length];
    const below = prefix[lowerBound(sorted, cut)];
    return total.map((count, c) => count - below[c]);
  };
  const totals = prefix[sorted.length];

  let best = { negativeUpTo: conventional.negativeUpTo, positiveFrom: conventional.positiveFrom, macroF1: -1 };
  for (let low = 0; low < cuts.length; low++) {
    const negatives = countAtOrBelow(cuts[low]);
    for (let high = low + 1; high < cuts.length; high++) {
      const positives = countAtOrAbove(cuts[high]);
      const predicted = [sum(negatives), 0, sum(positives)];
      predicted[1] = sorted.length - predicted[0] - predicted[2];
      const truePositives = [negatives[0], totals[1] - negatives[1] - positives[1], positives[2]];
      let f1Sum = 0;
      for (let c = 0; c < CLASSES.length; c++) {
        const denominator = predicted[c] + totals[c];
        f1Sum += denominator === 0 ? 0 : (2 * truePositives[c]) / denominator;
      }
      const f1 = f1Sum / CLASSES.length;
      if (f1 > best.macroF1) {
        best = { negativeUpTo: cuts[low], positiveFrom: cuts[high], macroF1: f1 };
      }
    }
  }
  return { negativeUpTo: best.negativeUpTo, positiveFrom: best.positiveFrom, tuningMacroF1: best.macroF1 };
}

function sum(values) {
  return values.reduce((total, value) => total + value, 0);
}

/** First index whose value is >= `value` in ascending `sorted`. */
function lowerBound(sorted, value) {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle] < value) {
      low = middle + 1;
    } else {
      high = middle;
    }
  }
  return low;
}

/** First index whose value is > `value` in ascending `sorted`. */
function upperBound(sorted, value) {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle] <= value) {
      low = middle + 1;
    } else {
      high = middle;
    }
  }
  return low;
}

function pick(values, indices) {
  return indices.map((i) => values[i]);
}

/**
 * Paired percentile bootstrap of `statistic(a) - statistic(b)` over resampled rows of the
 * test half. Returns the observed difference and its 95% interval.
 */
function pairedBootstrap(rowCount, statistic, resamples, seed) {
  const all = Array.from({ length: rowCount }, (_, i) => i);
  const observed = statistic(all);
  if (resamples === 0) {
    return { difference: observed };
  }
  const random = createRandom(seed);
  const differences = [];
  for (let r = 0; r < resamples; r++) {
    const sample = all.map(() => Math.floor(random() * rowCount));
    differences.push(statistic(sample));
  }
  differences.sort((a, b) => a - b);
  const at = (p) => differences[Math.min(resamples - 1, Math.floor(p * resamples))];
  return { difference: observed, low95: at(0.025), high95: at(0.975) };
}

// ---------------------------------------------------------------------------------------
// Evaluation

function evaluateVaderTweets(rows, methods, split, options) {
  const ratings = rows.map((row) => row.rating);
  const results = {};
  const scoresByMethod = {};
  for (const method of methods) {
    const scores = rows.map((row) => method.score(row.text));
    scoresByMethod[method.name] = scores;
    results[method.name] = {
      all: { pearson: pearson(scores, ratings), spearman: spearman(scores, ratings) },
      test: {
        pearson: pearson(pick(scores, split.test), pick(ratings, split.test)),
        spearman: spearman(pick(scores, split.test), pick(ratings, split.test)),
      },
    };
  }

  const testRatings = pick(ratings, split.test);
  const comparisons = {};
  for (const other of methods.filter((method) => method.name !== 'wayline')) {
    const ours = pick(scoresByMethod.wayline, split.test);
    const theirs = pick(scoresByMethod[other.name], split.test);
    comparisons[`wayline - ${other.name}`] = {
      spearman: pairedBootstrap(
        split.test.length,
        (sample) => spearman(pick(ours, sample), pick(testRatings, sample)) - spearman(pick(theirs, sample), pick(testRatings, sample)),
        options.bootstrap,
        options.seed,
      ),
    };
  }
  return { results, comparisons, scoresByMethod };
}

function evaluateAirlineTweets(rows, methods, split, options) {
  const labels = rows.map((row) => row.label);
  const codes = labels.map((label) => CLASS_CODES[label]);
  const tuneLabels = pick(labels, split.tune);
  const testLabels = pick(labels, split.test);
  const results = {};
  const scoresByMethod = {};
  const thresholdsByMethod = {};
  for (const method of methods) {
    const scores = rows.map((row) => method.score(row.text));
    scoresByMethod[method.name] = scores;
    const conventional = CONVENTIONAL_THRESHOLDS[method.conventional];
    const tuned = tuneThresholds(pick(scores, split.tune), tuneLabels, conventional);
    thresholdsByMethod[method.name] = tuned;
    const testScores = pick(scores, split.test);
    results[method.name] = {
      conventionalThresholds: conventional,
      tunedThresholds: tuned,
      all: {
        conventional: classificationReport(scores.map((s) => classify(s, conventional)), labels),
        pearson: pearson(scores, codes),
        spearman: spearman(scores, codes),
      },
      test: {
        conventional: classificationReport(testScores.map((s) => classify(s, conventional)), testLabels),
        tuned: classificationReport(testScores.map((s) => classify(s, tuned)), testLabels),
        pearson: pearson(testScores, pick(codes, split.test)),
        spearman: spearman(testScores, pick(codes, split.test)),
      },
    };
  }

  const comparisons = {};
  for (const other of methods.filter((method) => method.name !== 'wayline')) {
    const ours = pick(scoresByMethod.wayline, split.test);
    const theirs = pick(scoresByMethod[other.name], split.test);
    const ourThresholds = thresholdsByMethod.wayline;
    const theirThresholds = thresholdsByMethod[other.name];
    comparisons[`wayline - ${other.name}`] = {
      tunedMacroF1: pairedBootstrap(
        split.test.length,
        (sample) =>
          macroF1(pick(ours, sample), pick(testLabels, sample), ourThresholds) -
          macroF1(pick(theirs, sample), pick(testLabels, sample), theirThresholds),
        options.bootstrap,
        options.seed,
      ),
    };
  }
  return { results, comparisons, scoresByMethod, thresholdsByMethod };
}

// ---------------------------------------------------------------------------------------
// Output

function formatTable(header, rows) {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => row[column].length)));
  const line = (cells) => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  ');
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}

const f3 = (value) => value.toFixed(3);

function formatInterval(comparison) {
  if (comparison.low95 === undefined) {
    return `${comparison.difference >= 0 ? '+' : ''}${f3(comparison.difference)}`;
  }
  return `${comparison.difference >= 0 ? '+' : ''}${f3(comparison.difference)} [${f3(comparison.low95)}, ${f3(comparison.high95)}]`;
}

function printReport(vader, airline, split, options) {
  console.log(`Seed ${options.seed}: VADER tweets ${split.vader.tune.length} tuning / ${split.vader.test.length} test, ` +
    `airline tweets ${split.airline.tune.length} tuning / ${split.airline.test.length} test.\n`);

  console.log('VADER tweets: correlation of the score with the mean human rating');
  console.log(formatTable(
    ['method', 'Pearson all', 'Spearman all', 'Pearson test', 'Spearman test'],
    Object.entries(vader.results).map(([name, r]) => [name, f3(r.all.pearson), f3(r.all.spearman), f3(r.test.pearson), f3(r.test.spearman)]),
  ));

  console.log('\nAirline tweets: 3-class macro-F1 and accuracy against the human labels');
  console.log(formatTable(
    ['method', 'conv. rule', 'F1 all', 'acc all', 'F1 test', 'tuned cuts', 'F1 test tuned', 'acc test tuned', 'Spearman all'],
    Object.entries(airline.results).map(([name, r]) => [
      name,
      r.conventionalThresholds.rule,
      f3(r.all.conventional.macroF1),
      f3(r.all.conventional.accuracy),
      f3(r.test.conventional.macroF1),
      `${r.tunedThresholds.negativeUpTo.toFixed(4)} / ${r.tunedThresholds.positiveFrom.toFixed(4)}`,
      f3(r.test.tuned.macroF1),
      f3(r.test.tuned.accuracy),
      f3(r.all.spearman),
    ]),
  ));

  console.log('\nAirline tweets, test half, tuned cut points: per-class F1 (precision / recall)');
  console.log(formatTable(
    ['method', ...CLASSES],
    Object.entries(airline.results).map(([name, r]) => [
      name,
      ...CLASSES.map((label) => {
        const c = r.test.tuned.perClass[label];
        return `${f3(c.f1)} (${f3(c.precision)} / ${f3(c.recall)})`;
      }),
    ]),
  ));

  const intervals = options.bootstrap > 0 ? `, 95% paired bootstrap interval of ${options.bootstrap} resamples` : '';
  console.log(`\nDifferences on the test halves${intervals}`);
  console.log(formatTable(
    ['comparison', 'VADER tweets Spearman', 'airline macro-F1 (tuned)'],
    Object.keys(vader.comparisons).map((name) => [
      name,
      formatInterval(vader.comparisons[name].spearman),
      formatInterval(airline.comparisons[name].tunedMacroF1),
    ]),
  ));
}

/** Prints the worst tuning-half cases of Wayline, for error analysis that never looks at the test half. */
function printErrors(vaderRows, airlineRows, vader, airline, split, count) {
  const thresholds = airline.thresholdsByMethod.wayline;
  const scores = airline.scoresByMethod.wayline;
  const wrong = split.airline.tune
    .map((i) => ({ i, predicted: classify(scores[i], thresholds) }))
    .filter(({ i, predicted }) => predicted !== airlineRows[i].label)
    .sort((a, b) => Math.abs(scores[b.i]) - Math.abs(scores[a.i]));
  console.log(`\nAirline tuning half: ${wrong.length} misclassified by wayline; the ${Math.min(count, wrong.length)} with the largest |score|`);
  for (const { i, predicted } of wrong.slice(0, count)) {
    console.log(`${airlineRows[i].label} -> ${predicted} ${scores[i].toFixed(3)}  ${airlineRows[i].text.replace(/\s+/g, ' ')}`);
  }

  const tuneScores = pick(vader.scoresByMethod.wayline, split.vader.tune);
  const tuneRatings = pick(vaderRows.map((row) => row.rating), split.vader.tune);
  const scoreRanks = averageRanks(tuneScores);
  const ratingRanks = averageRanks(tuneRatings);
  const byRankError = split.vader.tune
    .map((i, k) => ({ i, k, error: Math.abs(scoreRanks[k] - ratingRanks[k]) }))
    .sort((a, b) => b.error - a.error);
  console.log(`\nVADER tweets tuning half: the ${count} with the largest rank error`);
  for (const { i, k } of byRankError.slice(0, count)) {
    console.log(`rating ${tuneRatings[k].toFixed(2)} score ${tuneScores[k].toFixed(3)}  ${vaderRows[i].text.replace(/\s+/g, ' ')}`);
  }
}

function describeMachine() {
  return { nproc: availableParallelism(), cpu: cpus()[0]?.model ?? 'unknown', node: process.version };
}

async function main() {
  const options = readOptions(process.argv.slice(2));
  if (options.help) {
    console.log(HELP);
    return;
  }
  const vaderPath = resolve(options.dataDir, VADER_TWEETS_FILE);
  const airlinePath = resolve(options.dataDir, AIRLINE_TWEETS_FILE);
  const vaderRows = readVaderTweets(vaderPath);
  const airlineRows = readAirlineTweets(airlinePath);
  const methods = await loadMethods(options);
  const split = { vader: splitHalves(vaderRows.length, options.seed), airline: splitHalves(airlineRows.length, options.seed) };

  const started = performance.now();
  const vader = evaluateVaderTweets(vaderRows, methods, split.vader, options);
  const airline = evaluateAirlineTweets(airlineRows, methods, split.airline, options);
  printReport(vader, airline, split, options);
  if (options.errors > 0) {
    printErrors(vaderRows, airlineRows, vader, airline, split, options.errors);
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(`\nEvaluated in ${seconds.toFixed(1)} s on ${describeMachine().cpu}, ${describeMachine().nproc} CPUs, node ${process.version}.`);

  if (options.json !== undefined) {
    const report = {
      createdAt: new Date().toISOString(),
      machine: describeMachine(),
      seed: options.seed,
      bootstrapResamples: options.bootstrap,
      scorer: options.scorer,
      baseline: options.baseline ?? null,
      data: {
        vaderTweets: { file: vaderPath, sha256: sha256Of(vaderPath), rows: vaderRows.length, tuneRows: split.vader.tune.length, testRows: split.vader.test.length },
        airlineTweets: { file: airlinePath, sha256: sha256Of(airlinePath), rows: airlineRows.length, tuneRows: split.airline.tune.length, testRows: split.airline.test.length },
      },
      vaderTweets: { results: vader.results, comparisons: vader.comparisons },
      airlineTweets: { results: airline.results, comparisons: airline.comparisons },
    };
    mkdirSync(dirname(options.json), { recursive: true });
    writeFileSync(options.json, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`Wrote ${options.json}.`);
  }
}

// Runs only as a program, so that the statistics above can be imported and checked apart.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
