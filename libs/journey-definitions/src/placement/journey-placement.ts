import { journeyStagesSchema } from '../journey-definition.schemas.ts';

/** The parts of an active journey definition that placement reads. */
export interface PlaceableJourney {
  key: string;
  priority: number;
  stages: ReadonlyArray<{ key: string; touchpoints: readonly string[] }>;
}

/** The parts of an event that placement reads. */
export interface EventToPlace {
  touchpoint: string;
  /** Journey key the caller sent, if any. */
  journey?: string | null;
  /** Stage the caller sent, if any. It always wins over the journey's stages. */
  stage?: string | null;
  /**
   * Stage that the event type fixes wherever it happens (the scorer's type table, such as
   * `purchase` or `cancellation`), or null when the type fixes none.
   */
  typeStage?: string | null;
}

export interface Placement {
  /** Key of the journey the event is placed on, or null when no active journey takes it. */
  journey: string | null;
  /**
   * Stage taken from that journey, or null when the journey gives none: then the scorer's
   * default mapping decides (the explicit stage, the type and touchpoint tables, the
   * customer's current stage).
   */
  stage: string | null;
}

interface IndexedJourney {
  key: string;
  stageKeys: ReadonlySet<string>;
  stageByTouchpoint: ReadonlyMap<string, string>;
}

/**
 * Active journeys indexed for placing events, built once per cache period so that placing
 * one event costs two map lookups. Touchpoints match exactly, as sent.
 */
export class JourneyPlacementIndex {
  private readonly byKey = new Map<string, IndexedJourney>();
  /** Touchpoint to the journey that wins it: highest priority, then lowest key. */
  private readonly byTouchpoint = new Map<string, IndexedJourney>();

  constructor(journeys: readonly PlaceableJourney[]) {
    const ordered = [...journeys].sort((a, b) => b.priority - a.priority || compareCodeUnits(a.key, b.key));
    for (const journey of ordered) {
      const stageByTouchpoint = new Map<string, string>();
      for (const stage of journey.stages) {
        for (const touchpoint of stage.touchpoints) {
          stageByTouchpoint.set(touchpoint, stage.key);
        }
      }
      const indexed: IndexedJourney = {
        key: journey.key,
        stageKeys: new Set(journey.stages.map((stage) => stage.key)),
        stageByTouchpoint,
      };
      this.byKey.set(journey.key, indexed);
      for (const touchpoint of stageByTouchpoint.keys()) {
        if (!this.byTouchpoint.has(touchpoint)) {
          this.byTouchpoint.set(touchpoint, indexed);
        }
      }
    }
  }

  get size(): number {
    return this.byKey.size;
  }

  /**
   * Places an event on a journey and, where the journey decides it, a stage.
   *
   * The journey is the one the event names when that journey is active. Otherwise it is
   * the active journey with the highest priority (then the lowest key) that lists the
   * touchpoint. A named journey that is unknown or inactive is ignored, so the event is
   * placed by its touchpoint.
   *
   * The stage is null when the event names a stage (the scorer uses that one). Otherwise
   * it is the type's stage when the journey has a stage of that key, so a purchase by phone
   * stays a purchase, and else the stage that lists the touchpoint. It is also null when
   * the named journey does not list the touchpoint.
   */
  place(event: EventToPlace): Placement {
    const named = event.journey ? this.byKey.get(event.journey) : undefined;
    const journey = named ?? this.byTouchpoint.get(event.touchpoint);
    if (journey === undefined) {
      return { journey: null, stage: null };
    }
    if (event.stage != null && event.stage.trim() !== '') {
      return { journey: journey.key, stage: null };
    }
    if (event.typeStage != null && journey.stageKeys.has(event.typeStage)) {
      return { journey: journey.key, stage: event.typeStage };
    }
    return { journey: journey.key, stage: journey.stageByTouchpoint.get(event.touchpoint) ?? null };
  }
}

/** A stored journey row as the scorer loads it, with `stages` still raw JSON. */
export interface StoredPlaceableJourney {
  key: string;
  priority: number;
  stages: unknown;
}

/**
 * Builds the index from stored rows. A row whose stages do not pass the definition schema
 * (possible only after a manual edit of the table) is left out and its key returned, so
 * one broken row does not stop scoring.
 */
export function buildPlacementIndex(rows: readonly StoredPlaceableJourney[]): {
  index: JourneyPlacementIndex;
  invalidKeys: string[];
} {
  const journeys: PlaceableJourney[] = [];
  const invalidKeys: string[] = [];
  for (const row of rows) {
    const stages = journeyStagesSchema.safeParse(row.stages);
    if (stages.success) {
      journeys.push({ key: row.key, priority: row.priority, stages: stages.data });
    } else {
      invalidKeys.push(row.key);
    }
  }
  return { index: new JourneyPlacementIndex(journeys), invalidKeys };
}

/** Orders by UTF-16 code units, so ties in priority break the same way on every store. */
export function compareCodeUnits(a: string, b: string): number {
  if (a < b) {
    return -1;
  }
  return a > b ? 1 : 0;
}
