import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Inject, Injectable } from '@nestjs/common';
import { parse } from 'csv-parse/sync';
import type { Logger } from 'pino';
import { CatalogService } from '#wayline/catalog';
import { formatIssuePath, ROOT_LOGGER, ValidationError } from '#wayline/common';
import { DecisionRepository, type NewDecision } from '#wayline/decisioning';
import { OutcomeRepository, type NewOutcome } from '#wayline/experiments';
import { CustomerJourneyRepository } from '#wayline/journeys';
import { HILLSTROM_COLUMNS, hillstromRowSchema, type HillstromRow } from './hillstrom-row.ts';

export const HILLSTROM_CAMPAIGNS = {
  'Mens E-Mail': { key: 'hillstrom-mens', name: "Hillstrom men's merchandise e-mail", offer: 'hillstrom-mens-email' },
  'Womens E-Mail': { key: 'hillstrom-womens', name: "Hillstrom women's merchandise e-mail", offer: 'hillstrom-womens-email' },
} as const;
/** The no-e-mail third of the experiment: the control group both campaigns share. */
export const HILLSTROM_HOLDOUT_GROUP = 'hillstrom-no-email';

const BATCH_SIZE = 1000;

export interface HillstromImportOptions {
  /** Webhook of the `email` channel when the importer has to create it. */
  emailWebhookUrl: string;
  onProgress?: (done: number, total: number) => void;
}

export interface HillstromImportResult {
  rows: number;
  customersCreated: number;
  decisionsCreated: number;
  outcomesCreated: number;
}

@Injectable()
export class HillstromImporter {
  private readonly logger: Logger;

  constructor(
    private readonly catalog: CatalogService,
    private readonly customers: CustomerJourneyRepository,
    private readonly decisions: DecisionRepository,
    private readonly outcomes: OutcomeRepository,
    @Inject(ROOT_LOGGER) rootLogger: Logger,
  ) {
    this.logger = rootLogger.child({ context: HillstromImporter.name });
  }

  /**
   * Loads the experiment. Each row becomes a customer with attributes, one decision
   * (treatment in its e-mail's campaign, or control in the shared no-e-mail group) and
   * its visit and conversion outcomes. The two campaigns share that group as holdout. The whole file is validated before anything is written.
   * Ids are derived from the row number, so a second run inserts nothing.
   */
  async import(filePath: string, options: HillstromImportOptions): Promise<HillstromImportResult> {
    const rows = await readHillstromFile(filePath);
    const offerIds = await this.ensureCatalog(options.emailWebhookUrl);
    const importedAt = new Date();
    const result: HillstromImportResult = { rows: rows.length, customersCreated: 0, decisionsCreated: 0, outcomesCreated: 0 };

    for (let start = 0; start < rows.length; start += BATCH_SIZE) {
      const batch = rows.slice(start, start + BATCH_SIZE).map((row, offset) => ({ row, customerId: customerIdFor(start + offset) }));
      const decisions = batch.map(({ row, customerId }) => toDecision(row, customerId, offerIds, importedAt));
      // Each batch commits in one transaction, so a batch whose decisions all exist was
      // imported completely before and can be skipped without touching its rows.
      if ((await this.decisions.countExisting(decisions.map((decision) => decision.id))) === decisions.length) {
        options.onProgress?.(Math.min(start + BATCH_SIZE, rows.length), rows.length);
        continue;
      }
      const outcomes = batch.flatMap(({ row, customerId }, index) => toOutcomes(row, customerId, decisions[index]!, importedAt));

      const counts = await this.decisions.inTransaction(async (tx) => ({
        customers: await this.customers.createCustomers(
          batch.map(({ row, customerId }) => ({ id: customerId, attributes: toAttributes(row) })),
          tx,
        ),
        decisions: await this.decisions.createMany(decisions, tx),
        outcomes: await this.outcomes.createMany(outcomes, tx),
      }));
      result.customersCreated += counts.customers;
      result.decisionsCreated += counts.decisions;
      result.outcomesCreated += counts.outcomes;
      options.onProgress?.(Math.min(start + BATCH_SIZE, rows.length), rows.length);
    }
    this.logger.info(result, 'Imported the Hillstrom e-mail experiment');
    return result;
  }

  private async ensureCatalog(emailWebhookUrl: string): Promise<Record<keyof typeof HILLSTROM_CAMPAIGNS, { campaignId: string; offerId: string }>> {
    await this.catalog.ensureChannel({ name: 'email', webhookUrl: emailWebhookUrl });
    const ids = {} as Record<keyof typeof HILLSTROM_CAMPAIGNS, { campaignId: string; offerId: string }>;
    for (const [segment, definition] of Object.entries(HILLSTROM_CAMPAIGNS) as Array<[keyof typeof HILLSTROM_CAMPAIGNS, (typeof HILLSTROM_CAMPAIGNS)[keyof typeof HILLSTROM_CAMPAIGNS]]>) {
      const offer = await this.catalog.ensureOffer({
        name: definition.offer,
        channel: 'email',
        content: { subject: definition.name, source: 'MineThatData E-Mail Analytics Challenge, March 2008' },
        value: 0,
      });
      const campaign = await this.catalog.ensureCampaign({
        key: definition.key,
        name: definition.name,
        // Everyone in the file bought in the past twelve months, which is who was mailed.
        rule: { '<=': [{ var: 'customer.attributes.recency' }, 12] },
        offers: [definition.offer],
        // The experiment split customers into equal thirds, so within one campaign the
        // e-mail group and the shared no-e-mail group are drawn 1:1.
        holdoutShare: 0.5,
        holdoutGroup: HILLSTROM_HOLDOUT_GROUP,
        priority: 0,
        // A finished experiment: the window is closed, so live traffic never picks it.
        startsAt: '2008-03-01T00:00:00Z',
        endsAt: '2008-03-15T00:00:00Z',
      });
      ids[segment] = { campaignId: campaign.id, offerId: offer.id };
    }
    return ids;
  }
}

export async function readHillstromFile(filePath: string): Promise<HillstromRow[]> {
  const text = await readFile(filePath, 'utf8');
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: false });
  } catch (error) {
    throw ValidationError.forField('file', `is not valid CSV: ${(error as Error).message}`);
  }
  const header = records[0] ?? [];
  const missing = HILLSTROM_COLUMNS.filter((column) => !header.includes(column));
  if (missing.length > 0) {
    throw ValidationError.forField('file', `has no column ${missing.join(', ')}; expected the Hillstrom header ${HILLSTROM_COLUMNS.join(',')}`);
  }
  const rows: HillstromRow[] = [];
  for (let index = 1; index < records.length; index++) {
    const record = Object.fromEntries(header.map((column, position) => [column, records[index]![position]]));
    const parsed = hillstromRowSchema.safeParse(record);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      // Line numbers count the header as line 1, as editors show them.
      throw ValidationError.forField(`file line ${index + 1}`, `${formatIssuePath('', issue.path)} ${issue.message}`);
    }
    rows.push(parsed.data);
  }
  return rows;
}

/** `hillstrom-00001` for the first data row. */
export function customerIdFor(rowIndex: number): string {
  return `hillstrom-${String(rowIndex + 1).padStart(5, '0')}`;
}

/** Derives a UUID from a name, so a re-import produces the same decision ids. */
function uuidFromName(name: string): string {
  const hex = createHash('sha256').update(name).digest('hex');
  // Version 5 layout (name-based) with the variant bits set, over SHA-256 instead of SHA-1.
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function toAttributes(row: HillstromRow): Record<string, unknown> {
  return {
    recency: row.recency,
    historySegment: row.history_segment,
    history: row.history,
    mens: row.mens ? 1 : 0,
    womens: row.womens ? 1 : 0,
    zipCode: row.zip_code,
    newbie: row.newbie ? 1 : 0,
    purchaseChannel: row.channel,
  };
}

function toDecision(
  row: HillstromRow,
  customerId: string,
  ids: Record<keyof typeof HILLSTROM_CAMPAIGNS, { campaignId: string; offerId: string }>,
  importedAt: Date,
): NewDecision & { id: string } {
  const treated = row.segment === 'No E-Mail' ? null : ids[row.segment];
  return {
    id: uuidFromName(`hillstrom-decision:${customerId}`),
    customerId,
    // A no-e-mail customer is control for both campaigns at once, so the decision names
    // the shared holdout group and no single campaign.
    campaignId: treated?.campaignId ?? null,
    holdoutGroup: HILLSTROM_HOLDOUT_GROUP,
    arm: treated === null ? 'control' : 'treatment',
    offerId: treated?.offerId ?? null,
    channel: 'email',
    score: null,
    modelVersion: null,
    reasons: [{ step: 'import', detail: `randomized by the experiment into ${row.segment}` }],
    features: { engagement: 0, valence: null, stage: null, eventCount: 0, daysSinceLastEvent: null, attributes: toAttributes(row) },
    source: 'import',
    idempotencyKey: `hillstrom:${customerId}`,
    createdAt: importedAt,
  };
}

function toOutcomes(row: HillstromRow, customerId: string, decision: NewDecision & { id: string }, importedAt: Date): NewOutcome[] {
  const outcomes: NewOutcome[] = [];
  if (row.visit) {
    outcomes.push({
      decisionId: decision.id, customerId, campaignId: decision.campaignId, type: 'visit',
      value: null, occurredAt: importedAt, idempotencyKey: `hillstrom:${customerId}:visit`,
    });
  }
  if (row.conversion) {
    outcomes.push({
      decisionId: decision.id, customerId, campaignId: decision.campaignId, type: 'conversion',
      value: row.spend, occurredAt: importedAt, idempotencyKey: `hillstrom:${customerId}:conversion`,
    });
  }
  return outcomes;
}
