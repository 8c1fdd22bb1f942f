import type { JourneyStage } from '#wayline/journey-definitions';
import { compareCodeUnits } from '#wayline/journey-definitions';
import type { MapMeasureRow } from './journey-map.repository.ts';

/** Customers of a cell or stage who later reached a later stage of the journey. */
export interface ConversionView {
  customers: number;
  converted: number;
  /** converted / customers, or null without customers. */
  rate: number | null;
}

export interface MapCellView {
  touchpoint: string;
  /** False for a touchpoint the stage does not list, seen on events that named the stage. */
  defined: boolean;
  events: number;
  customers: number;
  /** Mean valence (-1..1) of the events with emotional evidence, or null when none has any. */
  meanValence: number | null;
  /** Share of the events with an emotion label that are frustrated or angry, or null. */
  negativeShare: number | null;
  /** Wait-time percentiles in seconds (continuous), or null when no event has a wait. */
  waitSeconds: { p50: number | null; p90: number | null };
  /** Null in the last stage, which has no later stage to reach. */
  conversion: ConversionView | null;
}

export interface MapStageView {
  key: string;
  name: string;
  events: number;
  customers: number;
  conversion: ConversionView | null;
  touchpoints: MapCellView[];
}

/** A map's body: stages in journey order and touchpoints in stage order. */
export interface JourneyMapBody {
  totals: { events: number; customers: number };
  stages: MapStageView[];
  /**
   * Events placed on the journey with a stage it does not define (an event's own `stage`
   * wins over the journey's), by stage key.
   */
  otherStages: Array<{ stage: string; events: number; customers: number }>;
}

/** Arranges the measured rows along the journey's stages; cells without events read as zero. */
export function buildJourneyMap(stages: readonly JourneyStage[], rows: readonly MapMeasureRow[]): JourneyMapBody {
  const stageRows = new Map<string, MapMeasureRow>();
  const cellRowsByStage = new Map<string, Map<string, MapMeasureRow>>();
  let total: MapMeasureRow | undefined;
  for (const row of rows) {
    if (row.level === 'total') {
      total = row;
    } else if (row.level === 'stage') {
      stageRows.set(row.stage!, row);
    } else {
      const cells = cellRowsByStage.get(row.stage!) ?? new Map<string, MapMeasureRow>();
      cells.set(row.touchpoint!, row);
      cellRowsByStage.set(row.stage!, cells);
    }
  }

  const lastIndex = stages.length - 1;
  const stageViews = stages.map((stage, index): MapStageView => {
    const hasLaterStage = index < lastIndex;
    const cells = cellRowsByStage.get(stage.key) ?? new Map<string, MapMeasureRow>();
    const listed = new Set(stage.touchpoints);
    const unlisted = [...cells.keys()].filter((touchpoint) => !listed.has(touchpoint)).sort(compareCodeUnits);
    const stageRow = stageRows.get(stage.key);
    return {
      key: stage.key,
      name: stage.name,
      events: stageRow?.events ?? 0,
      customers: stageRow?.customers ?? 0,
      conversion: hasLaterStage ? conversionOf(stageRow) : null,
      touchpoints: [
        ...stage.touchpoints.map((touchpoint) => toCell(touchpoint, true, cells.get(touchpoint), hasLaterStage)),
        ...unlisted.map((touchpoint) => toCell(touchpoint, false, cells.get(touchpoint), hasLaterStage)),
      ],
    };
  });

  const definedStages = new Set(stages.map((stage) => stage.key));
  const otherStages = [...stageRows.values()]
    .filter((row) => !definedStages.has(row.stage!))
    .map((row) => ({ stage: row.stage!, events: row.events, customers: row.customers }))
    .sort((a, b) => compareCodeUnits(a.stage, b.stage));

  return {
    totals: { events: total?.events ?? 0, customers: total?.customers ?? 0 },
    stages: stageViews,
    otherStages,
  };
}

function toCell(touchpoint: string, defined: boolean, row: MapMeasureRow | undefined, hasLaterStage: boolean): MapCellView {
  return {
    touchpoint,
    defined,
    events: row?.events ?? 0,
    customers: row?.customers ?? 0,
    meanValence: row?.meanValence ?? null,
    negativeShare: row === undefined || row.labelledEvents === 0 ? null : row.negativeEvents / row.labelledEvents,
    waitSeconds: { p50: row?.waitP50 ?? null, p90: row?.waitP90 ?? null },
    conversion: hasLaterStage ? conversionOf(row) : null,
  };
}

function conversionOf(row: MapMeasureRow | undefined): ConversionView {
  const customers = row?.customers ?? 0;
  const converted = row?.converted ?? 0;
  return { customers, converted, rate: customers === 0 ? null : converted / customers };
}
