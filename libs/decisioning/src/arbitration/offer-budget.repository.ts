import { Inject, Injectable } from '@nestjs/common';
import { PRISMA, type PrismaClient, type SqlExecutor } from '#wayline/database';
import type { OfferBudget } from '#wayline/catalog';
import type { BudgetKey, BudgetSpend } from './offer-budget.ts';

/** Spend counters of offer budgets, one row per campaign, offer and period. */
@Injectable()
export class OfferBudgetRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  /** Returns the spend of each key, by {@link budgetKeyString}; keys without a row have spent nothing. */
  async findSpend(keys: BudgetKey[]): Promise<Map<string, BudgetSpend>> {
    const spend = new Map<string, BudgetSpend>();
    if (keys.length === 0) {
      return spend;
    }
    const rows = await this.prisma.$queryRaw<Array<{ campaign_id: string; offer_id: string; period_start: string; decisions: number; value: number }>>`
      SELECT spend.campaign_id::text, spend.offer_id::text, spend.period_start::text, spend.decisions, spend.value
      FROM offer_budget_spend spend
      JOIN unnest(${keys.map((key) => key.campaignId)}::uuid[], ${keys.map((key) => key.offerId)}::uuid[],
                  ${keys.map((key) => key.periodStart)}::date[]) AS wanted (campaign_id, offer_id, period_start)
        ON spend.campaign_id = wanted.campaign_id AND spend.offer_id = wanted.offer_id AND spend.period_start = wanted.period_start`;
    for (const row of rows) {
      spend.set(
        budgetKeyString({ campaignId: row.campaign_id, offerId: row.offer_id, periodStart: row.period_start }),
        { decisions: Number(row.decisions), value: Number(row.value) },
      );
    }
    return spend;
  }

  /**
   * Adds one decision worth `offerValue` to the key's spend when it still fits the budget,
   * and returns whether it did. The UPDATE holds the row lock until the transaction ends,
   * so concurrent decisions on the same offer queue up and each reads the spend that the
   * one before it committed. The budget is therefore never overspent.
   */
  async consume(tx: SqlExecutor, key: BudgetKey, budget: OfferBudget, offerValue: number): Promise<boolean> {
    await tx.query(
      `INSERT INTO offer_budget_spend (campaign_id, offer_id, period_start)
       VALUES ($1::uuid, $2::uuid, $3::date)
       ON CONFLICT DO NOTHING`,
      [key.campaignId, key.offerId, key.periodStart],
    );
    const updated = await tx.query<{ decisions: number }>(
      `UPDATE offer_budget_spend
       SET decisions = decisions + 1, value = value + $4::float8, updated_at = now()
       WHERE campaign_id = $1::uuid AND offer_id = $2::uuid AND period_start = $3::date
         AND ($5::int IS NULL OR decisions < $5::int)
         AND ($6::float8 IS NULL OR value + $4::float8 <= $6::float8)
       RETURNING decisions`,
      [key.campaignId, key.offerId, key.periodStart, offerValue, budget.maxDecisions, budget.maxValue],
    );
    return updated.length === 1;
  }
}

/** Returns the map key of a budget key. */
export function budgetKeyString(key: BudgetKey): string {
  return `${key.campaignId}/${key.offerId}/${key.periodStart}`;
}
