import { z } from 'zod';
import { positiveDuration, rate, strict, stringMap, text } from '../../scenario/common.js';

export const k6Generate = strict({
  url: text.meta({ description: 'URL the generated script requests.' }),
  rate: rate.meta({ description: 'Constant arrival rate, e.g. 50/s.' }),
  timeout: positiveDuration.default('2s'),
  method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']).default('GET'),
  expectStatus: z.array(z.number().int().min(100).max(599)).min(1).default([200]),
  maxVUs: z.number().int().min(1).max(10_000).default(100),
}).meta({ description: 'Let drillproof write a constant-arrival-rate k6 script.' });

export const k6External = strict({
  probe: text
    .regex(/^[a-z0-9][a-z0-9-]*$/, 'lowercase letters, digits and -')
    .default('k6')
    .meta({ description: 'Probe name of the imported samples (file samples/<probe>.ndjson), default k6.' }),
  runners: z.number().int().min(1).optional().meta({
    description: 'How many k6 runners produce the load (recorded; import-k6 warns when it gets another count).',
  }),
  description: text
    .optional()
    .meta({ description: 'Where the load comes from, for the report (e.g. k6-operator TestRun).' }),
}).meta({
  description:
    'Load run elsewhere (k6 operator, a cloud k6 service): drillproof starts no k6; the drill records its times, and `drillproof import-k6 --run <run-dir> <files…>` adds the results afterwards, analysed per phase like local load.',
});

export const k6Load = strict({
  external: k6External.optional(),
  script: text.optional().meta({ description: 'Your k6 script (path relative to the scenario file).' }),
  generate: k6Generate.optional(),
  binary: text.optional().meta({ description: 'k6 executable (default: --k6, K6_BIN, then PATH).' }),
  extensions: z
    .array(z.string())
    .optional()
    .meta({ description: 'xk6 extensions the binary must have, e.g. xk6-sql.' }),
  env: stringMap.optional().meta({ description: `Environment for k6 (__ENV); use \${env.X} for secrets.` }),
})
  .superRefine((k, ctx) => {
    const given = [k.script, k.generate, k.external].filter((x) => x !== undefined).length;
    if (given !== 1) {
      ctx.addIssue({ code: 'custom', message: 'give k6 exactly one of script, generate or external', input: k });
    }
  })
  .meta({ description: 'k6 load running for the whole drill; its samples join the measurements.' });

export const loadSchema = strict({
  k6: k6Load,
}).meta({ description: 'Optional background load.' });

export type Load = z.infer<typeof loadSchema>;
export type K6Load = z.infer<typeof k6Load>;
export type K6External = z.infer<typeof k6External>;
