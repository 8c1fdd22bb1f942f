/** One stage of a journey, with the touchpoints that place an event in it. */
export interface JourneyStage {
  key: string;
  name: string;
  touchpoints: string[];
}

/** A journey as stored. Stages are in journey order. */
export interface JourneyDefinition {
  id: string;
  key: string;
  name: string;
  /** Higher wins when a touchpoint belongs to several active journeys. */
  priority: number;
  stages: JourneyStage[];
  active: boolean;
  createdAt: Date;
  updatedAt: Date;
}
