import { z } from 'zod';
import { name, strict, text } from '../../scenario/common.js';

/** FTR checklist items a drill can give evidence for. */
export const FTR_ITEMS = ['RES-001', 'RES-002', 'RES-004', 'BAR-001', 'BAR-002'] as const;

export const metadataSchema = strict({
  name: name.meta({ description: 'Short name of the drill; used in run ids and reports.' }),
  description: text.optional().meta({ description: 'What the drill proves, for people reading the report.' }),
  owner: text.optional().meta({ description: 'Who is responsible for the drill (team or e-mail).' }),
  ftr: z
    .array(
      z.enum(FTR_ITEMS, {
        error: (iss) => `unknown FTR item ${JSON.stringify(iss.input)}: use one of ${FTR_ITEMS.join(', ')}`,
      }),
    )
    .optional()
    .meta({ description: 'AWS Foundational Technical Review items this drill gives evidence for.' }),
  labels: z.record(z.string(), z.string()).optional().meta({ description: 'Free-form labels copied into the report.' }),
}).meta({ description: 'What the drill is and who owns it.' });

export type Metadata = z.infer<typeof metadataSchema>;
