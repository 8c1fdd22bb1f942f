/** Customer facts available to the model when a decision is made. */
export interface DecisionFeatures {
  engagement: number;
  valence: number | null;
  stage: string | null;
  eventCount: number;
  daysSinceLastEvent: number | null;
  attributes: Record<string, unknown>;
}

/**
 * How to turn {@link DecisionFeatures} into numbers, learned from the training rows and
 * stored with the model so that prediction encodes exactly as training did.
 */
export interface FeatureSpec {
  numericAttributes: string[];
  categoricalAttributes: Array<{ name: string; levels: string[] }>;
  stages: string[];
}

/** A categorical attribute with more levels than this is left out rather than one-hot encoded. */
const MAX_CATEGORICAL_LEVELS = 12;
/** An attribute must be present in this share of rows to become a feature. */
const MIN_PRESENCE = 0.5;

/** Days assumed when a customer has no events, so that absence reads as long inactivity. */
const NO_ACTIVITY_DAYS = 365;

const STATE_FEATURES = ['engagement', 'valence', 'hasEmotion', 'log1pEventCount', 'log1pDaysSinceLastEvent'];

export function learnFeatureSpec(rows: readonly DecisionFeatures[]): FeatureSpec {
  const numericCounts = new Map<string, number>();
  const categoricalLevels = new Map<string, Map<string, number>>();
  const stages = new Set<string>();
  for (const row of rows) {
    if (row.stage !== null) {
      stages.add(row.stage);
    }
    for (const [name, value] of Object.entries(row.attributes)) {
      if (typeof value === 'number' && Number.isFinite(value)) {
        numericCounts.set(name, (numericCounts.get(name) ?? 0) + 1);
      } else if (typeof value === 'boolean') {
        numericCounts.set(name, (numericCounts.get(name) ?? 0) + 1);
      } else if (typeof value === 'string') {
        const levels = categoricalLevels.get(name) ?? new Map<string, number>();
        levels.set(value, (levels.get(value) ?? 0) + 1);
        categoricalLevels.set(name, levels);
      }
    }
  }
  const present = (count: number) => count >= rows.length * MIN_PRESENCE;
  return {
    numericAttributes: [...numericCounts].filter(([, count]) => present(count)).map(([name]) => name).sort(),
    categoricalAttributes: [...categoricalLevels]
      .filter(([, levels]) => levels.size > 1 && levels.size <= MAX_CATEGORICAL_LEVELS)
      .filter(([, levels]) => present([...levels.values()].reduce((a, b) => a + b, 0)))
      .map(([name, levels]) => ({ name, levels: [...levels.keys()].sort() }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    stages: [...stages].sort(),
  };
}

export function featureNames(spec: FeatureSpec): string[] {
  return [
    ...STATE_FEATURES,
    ...spec.stages.map((stage) => `stage=${stage}`),
    ...spec.numericAttributes.map((name) => `attributes.${name}`),
    ...spec.categoricalAttributes.flatMap(({ name, levels }) => levels.map((level) => `attributes.${name}=${level}`)),
  ];
}

/** Encodes one customer; a missing numeric attribute becomes 0 and an unseen level all zeros. */
export function encodeFeatures(spec: FeatureSpec, features: DecisionFeatures): number[] {
  const encoded = [
    features.engagement / 100,
    features.valence ?? 0,
    features.valence === null ? 0 : 1,
    Math.log1p(features.eventCount),
    Math.log1p(features.daysSinceLastEvent ?? NO_ACTIVITY_DAYS),
  ];
  for (const stage of spec.stages) {
    encoded.push(features.stage === stage ? 1 : 0);
  }
  for (const name of spec.numericAttributes) {
    const value = features.attributes[name];
    if (typeof value === 'number' && Number.isFinite(value)) {
      encoded.push(value);
    } else {
      encoded.push(value === true ? 1 : 0);
    }
  }
  for (const { name, levels } of spec.categoricalAttributes) {
    const value = features.attributes[name];
    for (const level of levels) {
      encoded.push(value === level ? 1 : 0);
    }
  }
  return encoded;
}
