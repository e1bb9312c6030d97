import { z } from 'zod';
import { strict, text } from '../../scenario/common.js';

export const signingSchema = z.discriminatedUnion('type', [
  strict({
    type: z.literal('ecdsa-p256'),
    key: text.optional().meta({ description: 'PEM private key (default: generated per run, public key in the pack).' }),
  }),
  strict({ type: z.literal('ed25519'), key: text.optional() }),
  strict({
    type: z.literal('kms'),
    kmsKeyId: text.meta({ description: 'KMS key (ECC_NIST_P256, SIGN_VERIFY) id, alias or ARN.' }),
    region: text.optional().meta({ description: 'Region of the key (default: from the ARN, else the target region).' }),
  }),
  strict({
    type: z.literal('keyless'),
    fulcioUrl: text
      .optional()
      .meta({ description: 'Sigstore certificate authority (default https://fulcio.sigstore.dev).' }),
    rekorUrl: text.optional().meta({ description: 'Sigstore transparency log (default https://rekor.sigstore.dev).' }),
    tsaUrl: text.optional().meta({ description: 'Sigstore timestamp authority (default: none).' }),
  }).meta({
    description:
      'Keyless: a Sigstore certificate for the OIDC identity of the run (GitHub Actions, SIGSTORE_ID_TOKEN or --oidc-token-file), logged in Rekor.',
  }),
]);

export const evidenceSchema = strict({
  dir: text.default('runs').meta({
    description:
      "Where run directories are written (`<dir>/<run id>`), relative to the scenario file's directory, not the current one; `--out` overrides it.",
  }),
  signing: signingSchema.default({ type: 'ecdsa-p256' }),
  ftr: strict({
    rpoDeclared: text.optional().meta({ description: 'RPO as entered in the FTR worksheet (RES-001).' }),
    rtoDeclared: text.optional().meta({ description: 'RTO as entered in the FTR worksheet (RES-002).' }),
    notes: text.optional(),
  })
    .optional()
    .meta({ description: 'What the report maps results to.' }),
}).meta({ description: 'Where the evidence goes and how it is signed.' });

export type Evidence = z.infer<typeof evidenceSchema>;
export type Signing = z.infer<typeof signingSchema>;
