import { z } from 'zod';
import { booleanQuerySchema, hasSomeField, slugSchema, strictInput, webhookUrlSchema } from '../shared/input-schemas.ts';

export const createChannelSchema = strictInput({
  name: slugSchema,
  webhookUrl: webhookUrlSchema,
});

export const updateChannelSchema = strictInput({
  webhookUrl: webhookUrlSchema.optional(),
  active: z.boolean().optional(),
}).refine(hasSomeField, 'must contain at least one field to change: webhookUrl, active');

export const listChannelsQuerySchema = strictInput({
  active: booleanQuerySchema.optional(),
});

export type CreateChannelInput = z.output<typeof createChannelSchema>;
export type UpdateChannelInput = z.output<typeof updateChannelSchema>;
export type ListChannelsQuery = z.output<typeof listChannelsQuerySchema>;
