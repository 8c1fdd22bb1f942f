import type { JourneyDefinition, JourneyStage } from '#wayline/journey-definitions';

/** A journey definition as the admin API returns it, dates as ISO 8601 strings. */
export interface JourneyResponse {
  id: string;
  key: string;
  name: string;
  priority: number;
  stages: JourneyStage[];
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

export function toJourneyResponse(journey: JourneyDefinition): JourneyResponse {
  return {
    id: journey.id,
    key: journey.key,
    name: journey.name,
    priority: journey.priority,
    stages: journey.stages,
    active: journey.active,
    createdAt: journey.createdAt.toISOString(),
    updatedAt: journey.updatedAt.toISOString(),
  };
}
