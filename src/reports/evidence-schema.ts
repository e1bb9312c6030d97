import { z } from 'zod';
import { confirmationSchema, coverageSchema, replacementSchema } from './evidence-confirmation.js';

/**
 * `evidence.json`: the machine-readable result of one drill. Versioned: readers must check
 * `schemaVersion`; fields are only added within a version, never renamed or removed.
 * Documented field by field in docs/evidence-format.md. `null` always means "not measured".
 */
export const EVIDENCE_SCHEMA_VERSION = 3;
export const EVIDENCE_KIND = 'drillproof.evidence';
/** The in-toto predicate type of the signed statement (see signing/statement.ts). */
export const PREDICATE_TYPE = 'https://drillproof.dev/attestations/resilience-drill/v1';

const nullableNumber = z.number().nullable();

export const phaseStatsSchema = z.object({
  startMs: nullableNumber,
  endMs: nullableNumber,
  scheduled: z.number().int().nonnegative(),
  ok: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  availability: nullableNumber,
  p50Ms: nullableNumber,
  p95Ms: nullableNumber,
  p99Ms: nullableNumber,
  maxMs: nullableNumber,
  p50WithFailuresMs: nullableNumber,
  p95WithFailuresMs: nullableNumber,
  p99WithFailuresMs: nullableNumber,
  maxWithFailuresMs: nullableNumber,
});

export const rtoSchema = z.object({
  probe: z.string(),
  seconds: nullableNumber,
  resolutionSeconds: z.number(),
  noOutage: z.boolean(),
  detectedAt: z.string().nullable(),
  /** S and R exactly (epoch ms with the fraction); the RFC 3339 texts are truncated to the ms. */
  detectedAtMs: nullableNumber.optional(),
  recoveredAt: z.string().nullable(),
  recoveredAtMs: nullableNumber.optional(),
  timeToDetectSeconds: nullableNumber,
  outageDurationSeconds: nullableNumber,
  failedTimeSeconds: z.number(),
  flaps: z.number().int().nonnegative(),
  windowSeconds: z.number(),
});

export const rpoSchema = z.object({
  probe: z.string(),
  kind: z.enum(['failover', 'restore']),
  seconds: nullableNumber,
  lostWrites: z.number().int().nonnegative(),
  acknowledgedWrites: z.number().int().nonnegative(),
  indeterminateWrites: z.number().int().nonnegative(),
  attemptedWrites: z.number().int().nonnegative(),
  readBackWrites: z.number().int().nonnegative(),
  resolutionSeconds: z.number(),
  lostSeqs: z.array(z.number().int()),
});

const phaseNames = ['baseline', 'fault', 'recovery', 'all'] as const;

export const probeMeasurementsSchema = z.object({
  name: z.string(),
  kind: z.string(),
  intervalMs: z.number(),
  timeoutMs: z.number(),
  rto: rtoSchema.nullable(),
  /** The exact values the phase split used (docs/measurements.md §13); absent in older runs. */
  split: z
    .object({ startMs: z.number(), faultMs: nullableNumber, recoveredMs: nullableNumber, endMs: z.number() })
    .optional(),
  phases: z.object(
    Object.fromEntries(phaseNames.map((p) => [p, phaseStatsSchema])) as Record<
      (typeof phaseNames)[number],
      typeof phaseStatsSchema
    >,
  ),
});

export const measurementsSchema = z.object({
  schemaVersion: z.literal(1),
  faultAt: z.string().nullable(),
  faultAtMs: nullableNumber,
  /** The first fault call issued (before SDK retries); absent in older runs. */
  faultIssuedAt: z.string().nullable().optional(),
  faultIssuedAtMs: nullableNumber.optional(),
  rto: rtoSchema.nullable(),
  rpo: rpoSchema.nullable(),
  probes: z.record(z.string(), probeMeasurementsSchema),
});

export const objectiveSchema = z.object({
  name: z.string(),
  description: z.string(),
  target: z.string(),
  targetValue: z.number(),
  comparator: z.enum(['<=', '>=', '<', '>']),
  unit: z.enum(['seconds', 'ms', 'ratio', 'writes']),
  measured: nullableNumber,
  ok: z.boolean(),
  reason: z.string().optional(),
  /** Rendered once here so every report prints the same text. */
  expected: z.string(),
  actual: z.string(),
});

export const faultSchema = z.object({
  stepId: z.string(),
  type: z.string(),
  action: z.string(),
  targets: z.array(z.string()),
  injectedAt: z.string().nullable(),
  acknowledgedAt: z.string().nullable(),
  rolledBackAt: z.string().nullable(),
  rollback: z.enum(['succeeded', 'failed', 'not-needed', 'skipped', 'pending']),
  requestIds: z.array(z.string()),
  error: z.string().optional(),
  manualSteps: z.array(z.string()).optional(),
  /** Whether AWS's answers confirmed the effect; null for runs recorded before confirmation. */
  confirmation: confirmationSchema.nullable(),
});

export const timelineEntrySchema = z.object({
  time: z.string(),
  /** Epoch ms on the run's timeline. */
  t: z.number(),
  /** Seconds from F (negative before the fault); null when no fault time is known. */
  offsetSeconds: nullableNumber,
  source: z.enum([
    'drillproof',
    'ec2',
    'elbv2',
    'ecs',
    'rds',
    'elasticache',
    'fis',
    'dns',
    'lambda',
    'probe',
    'guardrail',
  ]),
  kind: z.string(),
  resource: z.string().nullable(),
  /** What happened, for people (e.g. `stopping`, `unhealthy (Target.FailedHealthChecks)`). */
  what: z.string(),
  state: z.string().nullable(),
  reason: z.string().nullable(),
  eventId: z.string().nullable(),
  requestIds: z.array(z.string()),
});

export const awsCallSchema = z.object({
  time: z.string(),
  service: z.string(),
  operation: z.string(),
  requestId: z.string().nullable(),
  ms: nullableNumber,
  ok: z.boolean(),
  errorCode: z.string().nullable(),
  /** SDK attempts (1 = answered at once); absent in packs written before it was recorded. */
  attempts: z.number().int().positive().optional(),
  /** Each attempt of a retried call, oldest first: `atMs` after the call started, its `ms`, answer and error. */
  tries: z
    .array(
      z.object({
        attempt: z.number().int().positive(),
        atMs: z.number(),
        ms: z.number(),
        httpStatus: z.number().int().nullable(),
        errorCode: z.string().nullable(),
        requestId: z.string().nullable(),
      }),
    )
    .optional(),
});

/** `rehearsed`: a lab run exercised the item; it is not FTR evidence (no value to enter). */
export const ftrStatusSchema = z.enum(['met', 'not-met', 'not-covered', 'rehearsed']);

/** What the run is evidence of (src/reports/ftr-scope.ts). */
export const ftrEvidenceSchema = z.object({
  /** aws: an allowed account with the caller's STS identity; rehearsal: the local lab; unattributed: neither. */
  mode: z.enum(['aws', 'rehearsal', 'unattributed']),
  summary: z.string(),
  account: z.string().nullable(),
});

/** Whether the faults impaired an Availability Zone, and the rule that credited it (src/reports/az-scope.ts). */
export const ftrAzImpairmentSchema = z.object({
  covered: z.boolean(),
  rule: z
    .enum([
      'az-impairment-fault',
      'fis-az-power-interruption',
      'fis-subnets-in-az',
      'fis-targets-in-az',
      'fis-database-in-az',
    ])
    .nullable(),
  stepId: z.string().nullable(),
  detail: z.string(),
});

export const ftrItemSchema = z.object({
  id: z.enum(['RES-001', 'RES-002', 'RES-004', 'BAR-002']),
  title: z.string(),
  status: ftrStatusSchema,
  /** Whether the scenario's metadata.ftr lists this item. */
  claimedByScenario: z.boolean(),
  /** What this run shows for the item. */
  supports: z.array(z.string()),
  /** The value to enter in the Partner Response column of the self-assessment, when there is one. */
  enter: z.string().nullable(),
  /** What is still needed for a pass. Empty when nothing is missing. */
  missing: z.array(z.string()),
});

export const ftrSchema = z.object({
  evidence: ftrEvidenceSchema,
  azImpairment: ftrAzImpairmentSchema,
  /** Values for the self-assessment; null unless the run is FTR evidence (mode aws). */
  worksheet: z
    .object({
      rpo: z.string().nullable(),
      rto: z.string().nullable(),
      lastTestDate: z.string(),
      azImpairmentCovered: z.boolean(),
      restoreTested: z.boolean(),
      nextTestDueBy: z.string(),
    })
    .nullable(),
  items: z.array(ftrItemSchema),
});

/**
 * Who signed the pack and what that proves. Written into evidence.json and the reports before the
 * signature is made, so it is itself signed. `trust`: integrity-only (a key generated for the run
 * and shipped in the pack), published-key (a key the organisation holds), kms (an AWS KMS key),
 * keyless (a Sigstore certificate for an OIDC identity, logged in a transparency log).
 */
export const signingInfoSchema = z.object({
  method: z.enum(['key', 'kms', 'keyless']),
  keyType: z.string(),
  /** SHA-256 of the DER public key (for keyless: the certificate's short-lived key). */
  keyFingerprint: z.string(),
  generatedKey: z.boolean(),
  kmsKeyArn: z.string().nullable(),
  /** The certificate's subject (OIDC identity), keyless only. */
  identity: z.string().nullable(),
  /** The OIDC issuer in the certificate, keyless only. */
  issuer: z.string().nullable(),
  certificateAuthority: z.string().nullable(),
  transparencyLog: z.string().nullable(),
  trust: z.enum(['integrity-only', 'published-key', 'kms', 'keyless']),
  /** One sentence for people: what the signature proves. */
  summary: z.string(),
  /** The command that checks the signature against this signer. */
  verify: z.string(),
});

export const evidenceSchema = z.object({
  schemaVersion: z.literal(EVIDENCE_SCHEMA_VERSION),
  kind: z.literal(EVIDENCE_KIND),
  run: z.object({
    id: z.string(),
    startedAt: z.string(),
    finishedAt: z.string(),
    durationSeconds: z.number(),
    verdict: z.enum(['passed', 'failed', 'inconclusive', 'aborted', 'error']),
    exitCode: z.number().int(),
    reason: z.string().nullable(),
    /** The drill never finished: its record was rebuilt from the journal and samples. */
    interrupted: z
      .object({
        phase: z.string().nullable(),
        inside: z.boolean(),
        lastEntry: z.object({ seq: z.number().int(), kind: z.string(), time: z.string() }),
        recoveredAt: z.string().nullable(),
      })
      .optional(),
  }),
  tool: z.object({ name: z.literal('drillproof'), version: z.string() }),
  scenario: z.object({
    name: z.string(),
    path: z.string(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    ftrItems: z.array(z.string()),
    /** The scenario text as run, with secrets redacted. */
    text: z.string(),
    redacted: z.boolean(),
  }),
  target: z.object({ provider: z.enum(['aws', 'lab']), region: z.string(), endpoint: z.string().nullable() }),
  caller: z.object({ account: z.string(), arn: z.string(), userId: z.string().nullable() }).nullable(),
  clock: z.object({ source: z.string(), driftMs: z.number() }),
  headline: z.object({
    rto: z.object({ seconds: nullableNumber, text: z.string(), resolution: z.string(), probe: z.string() }).nullable(),
    rpo: z
      .object({ seconds: nullableNumber, text: z.string(), lostWrites: z.number().int(), probe: z.string() })
      .nullable(),
    objectivesMet: z.number().int().nonnegative(),
    objectivesTotal: z.number().int().nonnegative(),
    /** Said in place of an RTO showing no outage when nothing proves the fault reached a probe. */
    caveat: z.string().nullable().optional(),
  }),
  objectives: z.array(objectiveSchema),
  measurements: measurementsSchema,
  faults: z.array(faultSchema),
  /** Faulted scenario resources and those no probe depended on; null for older runs. */
  coverage: coverageSchema.nullable(),
  /** Task stops: the service side of the recovery, next to the probes' RTO (absent in older packs). */
  replacements: z.array(replacementSchema).default([]),
  timeline: z.array(timelineEntrySchema),
  awsCalls: z.array(awsCallSchema),
  verification: z
    .object({
      ok: z.boolean(),
      checks: z.array(z.object({ name: z.string(), ok: z.boolean(), expected: z.string(), actual: z.string() })),
    })
    .nullable(),
  k6: z
    .object({
      exitCode: z.number().nullable(),
      classification: z.string(),
      thresholds: z.record(z.string(), z.boolean()),
    })
    .nullable(),
  ftr: ftrSchema,
  /** Null when the pack is not signed (yet). */
  signing: signingInfoSchema.nullable().default(null),
});

export type Evidence = z.infer<typeof evidenceSchema>;
export type EvidenceObjective = z.infer<typeof objectiveSchema>;
export type TimelineEntry = z.infer<typeof timelineEntrySchema>;
export type AwsCallEntry = z.infer<typeof awsCallSchema>;
export type FtrItem = z.infer<typeof ftrItemSchema>;
export type SigningInfo = z.infer<typeof signingInfoSchema>;
export type FtrAssessment = z.infer<typeof ftrSchema>;
export type FtrEvidence = z.infer<typeof ftrEvidenceSchema>;
export type FtrAzImpairment = z.infer<typeof ftrAzImpairmentSchema>;
