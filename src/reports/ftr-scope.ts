import type { JournalEntry } from '../run/journal-types.js';
import type { RunRecord } from '../run/record.js';
import { type AzRule, fisTemplateAzScope } from './az-scope.js';
import type { FtrAzImpairment, FtrEvidence } from './evidence-schema.js';
import { scenarioFacts } from './scenario-facts.js';

/**
 * What a run is evidence of, for the FTR section: a run against AWS, in an account the scenario
 * allows, by a caller STS identified, is evidence about the reviewed system; a run against the
 * local lab rehearses the drill and the tool only; an AWS run that cannot be tied to an allowed
 * account is neither.
 */
export function ftrEvidence(record: Pick<RunRecord, 'target' | 'caller' | 'scenario'>): FtrEvidence {
  if (record.target.provider === 'lab')
    return {
      mode: 'rehearsal',
      summary: 'a run against the local lab: it rehearses the drill and the tool, not the system under review',
      account: null,
    };
  const allowed = scenarioFacts(record.scenario.text).allowedAccounts;
  const endpoint = record.target.endpoint;
  if (endpoint && !isAwsEndpoint(endpoint))
    return {
      mode: 'unattributed',
      summary: `the AWS API was called at ${endpoint}, which is not an AWS endpoint (an emulator or proxy answers there)`,
      account: record.caller?.account ?? null,
    };
  if (!record.caller)
    return {
      mode: 'unattributed',
      summary: 'no caller identity (STS GetCallerIdentity) was recorded: the run cannot be tied to an AWS account',
      account: null,
    };
  if (!allowed.includes(record.caller.account))
    return {
      mode: 'unattributed',
      summary: `account ${record.caller.account} is not in the scenario's target.allowedAccounts (${allowed.join(', ') || 'none'})`,
      account: record.caller.account,
    };
  return {
    mode: 'aws',
    summary: `a run against AWS account ${record.caller.account} (allowed by the scenario) by ${record.caller.arn}`,
    account: record.caller.account,
  };
}

/** AWS service endpoints (regional, FIPS, dual-stack, China, VPC interface endpoints) live under these domains. */
function isAwsEndpoint(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return false;
  }
  return /(^|\.)(amazonaws\.com|amazonaws\.com\.cn|api\.aws)$/.test(host);
}

/** drillproof's own clientToken for the template it creates for a fis-experiment step (faults/fis.ts). */
function templateToken(runId: string, stepId: string): string {
  return `${runId}-${stepId}-tpl`.slice(0, 64);
}

/**
 * The template a fis-experiment step ran: the CreateExperimentTemplate request as journalled (what
 * AWS was sent), else the scenario's inline template; null for a template given by id.
 */
function templateOfStep(runId: string, stepId: string, journal: readonly JournalEntry[], inline: unknown): unknown {
  const token = templateToken(runId, stepId);
  for (const e of journal) {
    if (e.kind !== 'aws.call') continue;
    const d = e.data as { operation?: unknown; params?: { clientToken?: unknown } };
    if (d.operation === 'CreateExperimentTemplate' && d.params?.clientToken === token) return d.params;
  }
  return inline ?? null;
}

/**
 * Whether the run's faults impaired an Availability Zone (RES-004's minimum), and which rule says
 * so: drillproof's az-impairment fault, or a FIS experiment whose template is AZ-scoped
 * (az-scope.ts). Only faults that were injected count.
 */
export function azImpairmentOfRun(
  record: Pick<RunRecord, 'runId' | 'faults' | 'scenario'>,
  journal: readonly JournalEntry[],
): FtrAzImpairment {
  const facts = scenarioFacts(record.scenario.text);
  const seen = new Set<string>();
  const notes: string[] = [];
  for (const f of record.faults) {
    if (seen.has(f.stepId)) continue;
    seen.add(f.stepId);
    if (f.injectedAt === null || f.error) {
      notes.push(`fault ${f.stepId} (${f.type}) was not injected${f.error ? `: ${f.error}` : ''}`);
      continue;
    }
    const step = facts.faults.find((s) => s.id === f.stepId);
    if (f.type === 'az-impairment') {
      const az = step?.az ?? 'its Availability Zone';
      return credit('az-impairment-fault', f.stepId, `fault ${f.stepId} (az-impairment) impaired ${az}`);
    }
    if (f.type !== 'fis-experiment') {
      notes.push(`fault ${f.stepId} (${f.type}) does not impair an Availability Zone`);
      continue;
    }
    const template = templateOfStep(record.runId, f.stepId, journal, step?.template);
    if (template === null) {
      notes.push(
        `fault ${f.stepId} ran FIS template ${step?.templateId ?? f.targets.join(', ')} by id: its targets and actions are not in the run's record, so its AZ scope cannot be judged (give the template as templateFile or template)`,
      );
      continue;
    }
    const scope = fisTemplateAzScope(template);
    if (scope.rule) return credit(scope.rule, f.stepId, `fault ${f.stepId} (FIS experiment): ${scope.detail}`);
    notes.push(`fault ${f.stepId} (FIS experiment): ${scope.detail}`);
  }
  return {
    covered: false,
    rule: null,
    stepId: null,
    detail: notes.length ? notes.join('; ') : 'no fault was injected',
  };
}

function credit(rule: AzRule, stepId: string, detail: string): FtrAzImpairment {
  return { covered: true, rule, stepId, detail };
}
