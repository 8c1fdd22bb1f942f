import { createHash } from 'node:crypto';
import { DecisionRepository, seededRandom, type DecisionFeatures, type NewDecision } from '#wayline/decisioning';
import type { TestApp } from '../support/test-app.ts';

/** Customers per arm in the synthetic experiment. */
export const ROWS_PER_ARM = 600;
/** When the synthetic decisions were made; live decisions in the tests come later. */
export const HISTORY_AT = new Date('2026-11-01T00:00:00Z');

export function features(score: number): DecisionFeatures {
  return { engagement: 0, valence: null, stage: null, eventCount: 0, daysSinceLastEvent: null, attributes: { score } };
}

/**
 * Returns the conversion probability in a synthetic experiment where the offer only works
 * for customers with a positive score. Control converts at 10%, treated customers at 10%
 * when score < 0 and at 40% otherwise.
 */
function conversionProbability(score: number, treated: boolean): number {
  return treated && score > 0 ? 0.4 : 0.1;
}

/**
 * Stores a randomized experiment of the offer with 2 × {@link ROWS_PER_ARM} customers. Each
 * has an attribute `score` uniform on [-1, 1). Treatment and control decisions alternate,
 * one second apart from {@link HISTORY_AT}, and converting customers get a conversion a day
 * later. A seeded generator makes the data the same on every run.
 */
export async function seedExperiment(
  testApp: TestApp,
  target: { offerId: string; campaignId: string; holdoutGroup: string; customerPrefix?: string },
): Promise<void> {
  const random = seededRandom(2026);
  const prisma = testApp.stores.database.prisma;
  const prefix = target.customerPrefix ?? 'synthetic';
  const decisions: Array<NewDecision & { id: string }> = [];
  const conversions: Array<{ decisionId: string; customerId: string; campaignId: string | null }> = [];
  for (let i = 0; i < 2 * ROWS_PER_ARM; i++) {
    const treated = i % 2 === 0;
    const score = 2 * random() - 1;
    const customerId = `${prefix}-${i}`;
    const decisionId = uuidFor(customerId);
    decisions.push({
      id: decisionId,
      customerId,
      campaignId: target.campaignId,
      holdoutGroup: target.holdoutGroup,
      arm: treated ? 'treatment' : 'control',
      offerId: target.offerId,
      channel: 'email',
      score: null,
      modelVersion: null,
      reasons: [],
      features: features(score) as unknown as Record<string, unknown>,
      source: 'import',
      createdAt: new Date(HISTORY_AT.getTime() + i * 1000),
    });
    if (random() < conversionProbability(score, treated)) {
      conversions.push({ decisionId, customerId, campaignId: target.campaignId });
    }
  }

  await prisma.customer.createMany({
    data: decisions.map((decision) => ({ id: decision.customerId, attributes: decision.features.attributes as object })),
  });
  await testApp.app.get(DecisionRepository).createMany(decisions);
  await prisma.outcome.createMany({
    data: conversions.map((conversion) => ({ ...conversion, type: 'conversion', occurredAt: new Date(HISTORY_AT.getTime() + 86_400_000) })),
  });
}

/** Derives a UUID from a name, so the validation split by decision id is the same on every run. */
function uuidFor(name: string): string {
  const hex = createHash('sha256').update(name).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
