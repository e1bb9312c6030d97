import { PREDICATE_TYPE } from '../evidence-schema.js';
import type { FileDigest } from './pack-files.js';

/**
 * The signed payload: an in-toto Statement v1 whose subjects are every file of the pack and
 * whose predicate is the drill's summary. Serialised once with JSON.stringify and signed as is
 * (DSSE signs exact bytes; nothing is canonicalised or re-serialised).
 */
export const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
export const PAYLOAD_TYPE = 'application/vnd.in-toto+json';
export { PREDICATE_TYPE };

export interface DrillPredicate {
  runId: string;
  scenario: { name: string; path: string; sha256: string };
  tool: { name: 'drillproof'; version: string };
  target: { provider: string; region: string };
  caller: { account: string; arn: string; userId: string | null } | null;
  startedAt: string;
  finishedAt: string;
  faultInjectedAt: string | null;
  signedAt: string;
  clock: { source: string; driftMs: number };
  verdict: string;
  exitCode: number;
  rto: {
    targetSeconds: number | null;
    measuredSeconds: number | null;
    resolutionSeconds: number | null;
    ok: boolean | null;
  };
  rpo: { targetSeconds: number | null; measuredSeconds: number | null; lostWrites: number | null; ok: boolean | null };
  objectives: { name: string; expected: string; actual: string; ok: boolean }[];
  signer: {
    keyType: string;
    keyFingerprint: string;
    description: string;
    method: 'key' | 'kms' | 'keyless';
    trust: string;
    kmsKeyArn: string | null;
    identity: string | null;
    issuer: string | null;
  };
}

export interface Statement {
  _type: typeof STATEMENT_TYPE;
  subject: { name: string; digest: { sha256: string } }[];
  predicateType: typeof PREDICATE_TYPE;
  predicate: DrillPredicate;
}

export function buildStatement(subjects: readonly FileDigest[], predicate: DrillPredicate): Statement {
  return {
    _type: STATEMENT_TYPE,
    subject: subjects.map((s) => ({ name: s.name, digest: { sha256: s.sha256 } })),
    predicateType: PREDICATE_TYPE,
    predicate,
  };
}
