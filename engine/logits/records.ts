/** Record shapes the logits pipeline fills in (types only, from the trace schema). */
import type { z } from 'zod';
import type { ProcessorStage as ProcessorStageSchema, TopKEntry as TopKEntryType } from '../trace/schema';

export type ProcessorStage = z.infer<typeof ProcessorStageSchema>;
export type TopKEntry = TopKEntryType;
