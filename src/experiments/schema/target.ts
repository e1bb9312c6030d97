import { z } from 'zod';
import { describeInput, strict, text } from '../../scenario/common.js';

export const ACCOUNT_PATTERN = /^\d{12}$/;
/** A whole `${env.NAME}`: CI pipelines keep account ids in variables; checked again once resolved. */
export const ENV_ACCOUNT = /^\$\{env\.[A-Za-z_][A-Za-z0-9_]*\}$/;

/** 12-digit account ids must be quoted: YAML reads `000000000000` as the number 0. */
export const accountId = z
  .string({
    error: (iss) =>
      typeof iss.input === 'number'
        ? `account id ${iss.input} was read as a number\nhint: quote 12-digit account ids, e.g. "000000000000"`
        : `expected a 12-digit AWS account id, got ${describeInput(iss.input)}`,
  })
  .refine((s) => ACCOUNT_PATTERN.test(s) || ENV_ACCOUNT.test(s), {
    error: (iss) =>
      `invalid account id ${describeInput(iss.input)}: 12 digits, quoted (or a whole \${env.NAME} variable resolved at run time)`,
  });

export const REGION_PATTERN = /^(?:[a-z]{2}(?:-[a-z]+)+-\d+|\$\{[^}]+\})$/;
export const region = text.refine((s) => REGION_PATTERN.test(s), {
  error: (iss) => `invalid region ${describeInput(iss.input)}: write an AWS region such as "us-east-1"`,
});

export const targetSchema = strict({
  provider: z
    .enum(['aws', 'lab'], { error: (iss) => `unknown provider ${describeInput(iss.input)}: use "aws" or "lab"` })
    .meta({ description: 'aws: a real AWS account; lab: the local lab (same drill code, local endpoint).' }),
  region: region.meta({ description: 'AWS region, e.g. us-east-1.' }),
  profile: text.optional().meta({ description: 'Shared-config profile to use (default: the SDK default chain).' }),
  endpoint: text.optional().meta({ description: 'Endpoint override for every AWS client (the lab sets it itself).' }),
  allowedAccounts: z.array(accountId).min(1, { error: 'list at least one account id' }).optional().meta({
    description: `The drill refuses to run in any other account (required for provider aws). Each entry is 12 digits or a whole \${env.NAME}.`,
  }),
})
  .superRefine((t, ctx) => {
    if (t.provider === 'aws' && !t.allowedAccounts) {
      ctx.addIssue({
        code: 'custom',
        path: ['allowedAccounts'],
        message:
          'provider aws needs allowedAccounts: list the 12-digit account ids this drill may break, e.g. ["123456789012"]',
        input: undefined,
      });
    }
  })
  .meta({ description: 'Where the drill runs.' });

export type Target = z.infer<typeof targetSchema>;
