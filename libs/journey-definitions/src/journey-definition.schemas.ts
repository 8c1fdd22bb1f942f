import { z } from 'zod';
import { containsNulCharacter, NUL_CHARACTER_MESSAGE } from '#wayline/common';

/**
 * Keys of journeys and stages, and touchpoints. It accepts the same names as the events
 * API accepts for touchpoints, so every touchpoint an event can carry can be listed.
 */
export const JOURNEY_SLUG_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export const JOURNEY_STAGE_LIMITS = { min: 1, max: 20 } as const;
export const MAX_TOUCHPOINTS_PER_STAGE = 100;

/** Postgres INTEGER bounds, which the `priority` column uses. */
const INT32_MIN = -2_147_483_648;
const INT32_MAX = 2_147_483_647;

/** Reports an absent value as `is required` and leaves every other message to zod. */
const reportMissing = (issue: { input?: unknown }): string | undefined =>
  issue.input === undefined ? 'is required' : undefined;

export const journeySlugSchema = z
  .string({ error: reportMissing })
  .regex(JOURNEY_SLUG_PATTERN, 'must be 1 to 64 lowercase letters, digits, "-" or "_", starting with a letter or digit');

const displayNameSchema = z
  .string({ error: reportMissing })
  .trim()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters')
  .refine((name) => !containsNulCharacter(name), NUL_CHARACTER_MESSAGE);

const prioritySchema = z
  .number({ error: reportMissing })
  .int('must be an integer')
  .min(INT32_MIN, `must be at least ${INT32_MIN}`)
  .max(INT32_MAX, `must be at most ${INT32_MAX}`);

/**
 * Builds an object schema that rejects unknown keys with a message naming them and the
 * allowed ones, and rejects a value that is not an object with the list of fields.
 */
function strictFields<Shape extends z.ZodRawShape>(shape: Shape) {
  const allowed = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code === 'unrecognized_keys') {
        const names = issue.keys.map((key) => `'${key}'`).join(', ');
        return `unknown ${issue.keys.length === 1 ? 'field' : 'fields'} ${names}; allowed fields: ${allowed}`;
      }
      if (issue.code === 'invalid_type') {
        return issue.input === undefined ? 'is required' : `must be a JSON object with the fields ${allowed}`;
      }
      return undefined;
    },
  });
}

const stageSchema = strictFields({
  key: journeySlugSchema,
  name: displayNameSchema,
  touchpoints: z
    .array(journeySlugSchema, {
      error: (issue) => (issue.input === undefined ? 'is required' : 'must be an array of touchpoint names'),
    })
    .max(MAX_TOUCHPOINTS_PER_STAGE, `must list at most ${MAX_TOUCHPOINTS_PER_STAGE} touchpoints`),
});

/**
 * Rejects a stage key used twice, and a touchpoint listed twice anywhere in the journey:
 * placement needs exactly one stage per touchpoint.
 */
function checkStagesAreUnambiguous(stages: Array<z.output<typeof stageSchema>>, context: z.RefinementCtx): void {
  const stageIndexByKey = new Map<string, number>();
  const stageKeyByTouchpoint = new Map<string, string>();
  stages.forEach((stage, stageIndex) => {
    const earlierIndex = stageIndexByKey.get(stage.key);
    if (earlierIndex === undefined) {
      stageIndexByKey.set(stage.key, stageIndex);
    } else {
      context.addIssue({
        code: 'custom',
        message: `stage key '${stage.key}' is already used by stages[${earlierIndex}]`,
        path: [stageIndex, 'key'],
        input: stage.key,
      });
    }

    stage.touchpoints.forEach((touchpoint, touchpointIndex) => {
      const owner = stageKeyByTouchpoint.get(touchpoint);
      if (owner === undefined) {
        stageKeyByTouchpoint.set(touchpoint, stage.key);
        return;
      }
      const where = owner === stage.key ? 'is listed more than once in this stage' : `is already in stage '${owner}'`;
      context.addIssue({
        code: 'custom',
        message: `touchpoint '${touchpoint}' ${where}; a touchpoint belongs to at most one stage of a journey`,
        path: [stageIndex, 'touchpoints', touchpointIndex],
        input: touchpoint,
      });
    });
  });
}

export const journeyStagesSchema = z
  .array(stageSchema, {
    error: (issue) => (issue.input === undefined ? 'is required' : 'must be an array of stages'),
  })
  .min(JOURNEY_STAGE_LIMITS.min, `must list at least ${JOURNEY_STAGE_LIMITS.min} stage`)
  .max(JOURNEY_STAGE_LIMITS.max, `must list at most ${JOURNEY_STAGE_LIMITS.max} stages`)
  .superRefine(checkStagesAreUnambiguous);

export const createJourneySchema = strictFields({
  key: journeySlugSchema,
  name: displayNameSchema,
  priority: prioritySchema.default(0),
  stages: journeyStagesSchema,
});

export const updateJourneySchema = strictFields({
  key: z
    .unknown()
    .refine((key) => key === undefined, {
      message: 'cannot be changed, because scored events refer to the journey by its key; create a new journey instead',
    })
    .optional(),
  name: displayNameSchema.optional(),
  priority: prioritySchema.optional(),
  stages: journeyStagesSchema.optional(),
  active: z.boolean({ error: 'must be true or false' }).optional(),
}).refine(
  (changes) => Object.values(changes).some((value) => value !== undefined),
  'must contain at least one field to change',
);

export const listJourneysQuerySchema = strictFields({
  active: z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .transform((value) => value === 'true')
    .optional(),
});

export type CreateJourneyInput = z.output<typeof createJourneySchema>;
export type UpdateJourneyInput = z.output<typeof updateJourneySchema>;
export type ListJourneysQuery = z.output<typeof listJourneysQuerySchema>;
