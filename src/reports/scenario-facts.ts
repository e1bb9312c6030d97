import { createHash } from 'node:crypto';
import { parse } from 'yaml';

/**
 * What the reports read from the scenario text as run (the exact file whose sha256 the record
 * holds): the allowed accounts, the fault steps, and the drill's structure for `compare`. The text
 * was validated before the run, so this only parses; an unreadable text gives empty facts.
 */
export interface ScenarioFaultFact {
  id: string;
  type: string;
  az?: string;
  template?: unknown;
  templateId?: string;
  templateFile?: string;
}

export interface ScenarioFacts {
  allowedAccounts: string[];
  faults: ScenarioFaultFact[];
  /** The parsed document (null when the text does not parse). */
  doc: Record<string, unknown> | null;
}

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);

export function scenarioFacts(text: string): ScenarioFacts {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch {
    doc = null;
  }
  if (!isObj(doc)) return { allowedAccounts: [], faults: [], doc: null };
  const target = isObj(doc.target) ? doc.target : {};
  const allowedAccounts = (Array.isArray(target.allowedAccounts) ? target.allowedAccounts : []).map(String);
  const steps = isObj(doc.steps) ? doc.steps : {};
  const faults = (Array.isArray(steps.faults) ? steps.faults : []).filter(isObj).map((f) => {
    const out: ScenarioFaultFact = { id: String(f.id ?? ''), type: String(f.type ?? '') };
    if (typeof f.az === 'string') out.az = f.az;
    if (f.template !== undefined) out.template = f.template;
    if (typeof f.templateId === 'string') out.templateId = f.templateId;
    if (typeof f.templateFile === 'string') out.templateFile = f.templateFile;
    return out;
  });
  return { allowedAccounts, faults, doc };
}

/** JSON with object keys sorted at every level: the same data gives the same text. */
function canonical(x: unknown): string {
  if (Array.isArray(x)) return `[${x.map(canonical).join(',')}]`;
  if (isObj(x))
    return `{${Object.keys(x)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(x[k])}`)
      .join(',')}}`;
  return JSON.stringify(x) ?? 'null';
}

/**
 * The parts of a scenario that make a drill what it is: its name, where it runs (provider), the
 * resources it selects, its probes and load, and its steps (baseline, faults, observe). Comments,
 * formatting, key order, the description and owner, objectives, guardrails, rollback and evidence
 * settings are not part of it: two runs with the same structure are the same drill, measured the
 * same way, even if the file's comments or its objectives changed.
 */
export const DRILL_SECTIONS = ['name', 'provider', 'resources', 'probes', 'load', 'steps'] as const;

export interface DrillIdentity {
  name: string;
  /** sha256 over the canonical JSON of every section. */
  digest: string;
  /** sha256 per section, to say which one differs. */
  sections: Record<(typeof DRILL_SECTIONS)[number], string>;
}

export function drillIdentity(text: string, fallbackName: string): DrillIdentity | null {
  const { doc } = scenarioFacts(text);
  if (!doc) return null;
  const metadata = isObj(doc.metadata) ? doc.metadata : {};
  const target = isObj(doc.target) ? doc.target : {};
  const parts: Record<(typeof DRILL_SECTIONS)[number], unknown> = {
    name: typeof metadata.name === 'string' ? metadata.name : fallbackName,
    provider: target.provider ?? null,
    resources: doc.resources ?? null,
    probes: doc.probes ?? null,
    load: doc.load ?? null,
    steps: doc.steps ?? null,
  };
  const sha = (s: string) => createHash('sha256').update(s).digest('hex');
  const sections = Object.fromEntries(
    DRILL_SECTIONS.map((k) => [k, sha(canonical(parts[k]))]),
  ) as DrillIdentity['sections'];
  return { name: String(parts.name), digest: sha(canonical(parts)), sections };
}
