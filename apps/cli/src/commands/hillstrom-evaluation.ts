import { createHash } from 'node:crypto';
import { evaluateTLearner, fitTLearner, type DecisionFeatures, type ValidationRow } from '#wayline/decisioning';
import { readHillstromFile, type HillstromRow } from '#wayline/imports';

export interface HillstromEvaluation {
  campaign: 'womens' | 'mens';
  outcome: 'visit' | 'conversion';
  trainingRows: number;
  validationRows: number;
  qini: number | null;
  upliftAt30: number | null;
  treatedAuc: number | null;
  controlAuc: number | null;
  observedUplift: number | null;
  meanPredictedUplift: number;
}

const SEGMENTS = { womens: 'Womens E-Mail', mens: 'Mens E-Mail' } as const;
const OUTCOMES = ['visit', 'conversion'] as const;

/**
 * Tells whether data row i (0-based, header excluded) is a training row: the first byte
 * of SHA-256("<seed>:<i>") is below 128. scripts/evaluate-uplift-hillstrom.py applies the
 * same rule, so both sides train and validate on exactly the same rows.
 */
export function isHillstromTrainingRow(seed: number, index: number): boolean {
  return createHash('sha256').update(`${seed}:${index}`).digest()[0]! < 128;
}

/**
 * Trains Wayline's T-learner on a seeded half of the Hillstrom file for each e-mail
 * against the no-e-mail group and each outcome, and scores it on the other half. The
 * features are those the importer stores on each decision.
 */
export async function evaluateHillstrom(filePath: string, seed: number): Promise<HillstromEvaluation[]> {
  const rows = await readHillstromFile(filePath);
  const results: HillstromEvaluation[] = [];
  for (const [campaign, segment] of Object.entries(SEGMENTS) as Array<[keyof typeof SEGMENTS, string]>) {
    const pair = rows
      .map((row, index) => ({ row, index }))
      .filter(({ row }) => row.segment === segment || row.segment === 'No E-Mail');
    const training = pair.filter(({ index }) => isHillstromTrainingRow(seed, index));
    const validation = pair.filter(({ index }) => !isHillstromTrainingRow(seed, index));
    for (const outcome of OUTCOMES) {
      const labelled = ({ row }: { row: HillstromRow }) => ({ features: toFeatures(row), label: row[outcome] ? 1 : 0 });
      const learner = fitTLearner(
        training.filter(({ row }) => row.segment === segment).map(labelled),
        training.filter(({ row }) => row.segment !== segment).map(labelled),
      );
      const validationRows: ValidationRow[] = validation.map((entry) => ({ ...labelled(entry), treated: entry.row.segment === segment }));
      const metrics = evaluateTLearner(learner, validationRows);
      results.push({
        campaign,
        outcome,
        trainingRows: training.length,
        validationRows: validation.length,
        qini: metrics.qini,
        upliftAt30: metrics.upliftAt30,
        treatedAuc: metrics.treatedAuc,
        controlAuc: metrics.controlAuc,
        observedUplift: metrics.observedUplift,
        meanPredictedUplift: metrics.meanPredictedUplift,
      });
    }
  }
  return results;
}

/** Builds the features that the Hillstrom importer records on a decision, which are customer attributes only. */
function toFeatures(row: HillstromRow): DecisionFeatures {
  return {
    engagement: 0,
    valence: null,
    stage: null,
    eventCount: 0,
    daysSinceLastEvent: null,
    attributes: {
      recency: row.recency,
      historySegment: row.history_segment,
      history: row.history,
      mens: row.mens ? 1 : 0,
      womens: row.womens ? 1 : 0,
      zipCode: row.zip_code,
      newbie: row.newbie ? 1 : 0,
      purchaseChannel: row.channel,
    },
  };
}
