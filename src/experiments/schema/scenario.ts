import { z } from 'zod';
import { name, strict } from '../../scenario/common.js';
import { objectivesSchema } from '../../scenario/objectives.js';
import { collectVars } from '../../scenario/vars.js';
import { evidenceSchema } from './evidence.js';
import { guardrailsSchema } from './guardrails.js';
import { loadSchema } from './load.js';
import { metadataSchema } from './metadata.js';
import { probeSchema } from './probes.js';
import { RESOURCE_TYPES, type ResourceType, resourceSchema } from './resources.js';
import { rollbackSchema } from './rollback.js';
import { stepsSchema } from './steps.js';
import { targetSchema } from './target.js';

export const SCENARIO_VERSION = 1;

const scenarioShape = strict({
  $schema: z.string().optional().meta({ description: 'JSON Schema location for editors (ignored).' }),
  version: z.literal(SCENARIO_VERSION, {
    error: (iss) => `unsupported scenario version ${JSON.stringify(iss.input)}: write version: 1`,
  }),
  metadata: metadataSchema,
  target: targetSchema,
  resources: z.record(name, resourceSchema).default({}).meta({ description: 'Named resource selectors.' }),
  probes: z.array(probeSchema).default([]).meta({ description: 'Open-loop probes measuring what users feel.' }),
  load: loadSchema.optional(),
  steps: stepsSchema,
  rollback: rollbackSchema.default({ mode: 'auto', steps: [] }),
  objectives: objectivesSchema.default({ latency: [], availability: [], maxErrorRate: [] }),
  guardrails: guardrailsSchema.default({ maxDuration: '15m', abort: [], cloudwatchAlarms: [], confirm: 'auto' }),
  evidence: evidenceSchema.default({ dir: 'runs', signing: { type: 'ecdsa-p256' } }),
});

type Shape = z.infer<typeof scenarioShape>;
type Ctx = z.core.$RefinementCtx<Shape>;
type Path = (string | number)[];
type Obj = Record<string, unknown>;

// Cross-references are checked even when other parts of the file are wrong (so one run of validate
// lists every problem); the data may then be partly invalid, hence the defensive accessors.
const obj = (x: unknown): Obj => (x && typeof x === 'object' && !Array.isArray(x) ? (x as Obj) : {});
const arr = (x: unknown): unknown[] => (Array.isArray(x) ? x : []);
const str = (x: unknown): string | undefined => (typeof x === 'string' ? x : undefined);

function issue(ctx: Ctx, path: Path, message: string, input: unknown): void {
  ctx.addIssue({ code: 'custom', path, message, input });
}

function checkResourceRef(
  ctx: Ctx,
  resources: Obj,
  ref: unknown,
  path: Path,
  allowed: readonly ResourceType[],
  what: string,
): void {
  const name = str(ref);
  if (name === undefined) return;
  const names = Object.keys(resources);
  const r = resources[name];
  if (r === undefined) {
    issue(
      ctx,
      path,
      `unknown resource "${name}": define it under resources (defined: ${names.length ? names.join(', ') : 'none'})`,
      name,
    );
    return;
  }
  const type = str(obj(r).type) as ResourceType | undefined;
  if (type !== undefined && (RESOURCE_TYPES as readonly string[]).includes(type) && !allowed.includes(type)) {
    issue(ctx, path, `${what} needs a ${allowed.join(' or ')} resource, but "${name}" is ${type}`, name);
  }
}

const HEARTBEATS = new Set(['postgres-heartbeat', 'mysql-heartbeat']);

function crossCheck(input: Shape, ctx: Ctx): void {
  const s = obj(input);
  const resources = obj(s.resources);
  const probes = arr(s.probes).map(obj);
  const faults = arr(obj(s.steps).faults).map(obj);
  const objectives = obj(s.objectives);
  const guardrails = obj(s.guardrails);
  const target = obj(s.target);

  const probeNames = new Set<string>();
  probes.forEach((p, i) => {
    const n = str(p.name);
    if (n === undefined) return;
    if (probeNames.has(n)) issue(ctx, ['probes', i, 'name'], `duplicate probe name "${n}"`, n);
    probeNames.add(n);
  });
  const probeRef = (ref: unknown, path: Path) => {
    const n = str(ref);
    if (n !== undefined && !probeNames.has(n)) {
      issue(ctx, path, `unknown probe "${n}" (probes: ${probeNames.size ? [...probeNames].join(', ') : 'none'})`, n);
    }
  };
  const hasHeartbeat = probes.some((p) => HEARTBEATS.has(str(p.type) ?? ''));

  const faultIds = new Set<string>();
  faults.forEach((f, i) => {
    const at: Path = ['steps', 'faults', i];
    const id = str(f.id);
    if (id !== undefined) {
      if (faultIds.has(id)) issue(ctx, [...at, 'id'], `duplicate fault id "${id}"`, id);
      faultIds.add(id);
    }
    const type = str(f.type) ?? '';
    const ref = (key: string, allowed: readonly ResourceType[], what = type) =>
      checkResourceRef(ctx, resources, f[key], [...at, key], allowed, what);
    switch (type) {
      case 'ec2-stop':
      case 'ec2-reboot':
      case 'ec2-terminate':
        ref('resource', ['ec2-instance']);
        break;
      case 'elbv2-deregister':
        ref('resource', ['ec2-instance']);
        ref('targetGroup', ['elbv2-target-group']);
        break;
      case 'rds-failover':
        ref('resource', ['rds-instance']);
        break;
      case 'aurora-failover':
        ref('resource', ['aurora-cluster']);
        break;
      case 'rds-restore': {
        ref('resource', ['rds-instance', 'aurora-cluster']);
        const hb = str(f.heartbeatProbe);
        if (hb !== undefined) {
          const p = probes.find((x) => x.name === hb);
          if (!p) probeRef(hb, [...at, 'heartbeatProbe']);
          else if (!HEARTBEATS.has(str(p.type) ?? '')) {
            issue(
              ctx,
              [...at, 'heartbeatProbe'],
              `heartbeatProbe "${hb}" is a ${String(p.type)} probe, not a heartbeat`,
              hb,
            );
          }
        }
        if (arr(f.verify).length > 0 && f.connection === undefined && hb === undefined && !hasHeartbeat) {
          issue(
            ctx,
            [...at, 'verify'],
            'verification queries need a connection: add connection {database, user, password} or a heartbeat probe',
            f.verify,
          );
        }
        break;
      }
      case 'az-impairment':
        for (const [j, r] of arr(f.resources).entries()) {
          checkResourceRef(ctx, resources, r, [...at, 'resources', j], ['ec2-instance'], 'az-impairment resources');
        }
        ref('database', ['rds-instance', 'aurora-cluster'], 'database');
        if (f.fis === true && target.provider === 'aws' && f.roleArn === undefined) {
          issue(
            ctx,
            [...at, 'fis'],
            'fis: true on AWS needs roleArn: the IAM role FIS assumes to stop the instances',
            f.fis,
          );
        }
        break;
      default:
        break;
    }
  });

  for (const [i, p] of arr(obj(obj(obj(s.steps).observe).recovery).probes).entries()) {
    probeRef(p, ['steps', 'observe', 'recovery', 'probes', i]);
  }
  for (const kind of ['latency', 'availability', 'maxErrorRate'] as const) {
    for (const [i, o] of arr(objectives[kind]).entries()) probeRef(obj(o).probe, ['objectives', kind, i, 'probe']);
  }
  for (const [i, a] of arr(guardrails.abort).entries()) probeRef(obj(a).probe, ['guardrails', 'abort', i, 'probe']);

  const restores = faults.some((f) => f.type === 'rds-restore');
  if (str(objectives.rto) !== undefined && probes.length === 0 && s.load === undefined && !restores) {
    issue(
      ctx,
      ['objectives', 'rto'],
      'an rto objective needs at least one probe (or an rds-restore fault, whose RTO is its verification)',
      objectives.rto,
    );
  }
  if (str(objectives.rpo) !== undefined && !hasHeartbeat && !restores) {
    issue(
      ctx,
      ['objectives', 'rpo'],
      'an rpo objective needs a postgres-heartbeat / mysql-heartbeat probe (or an rds-restore fault) to measure it',
      objectives.rpo,
    );
  }
  const region = str(target.region);
  const allowedRegions = arr(guardrails.allowedRegions);
  if (region !== undefined && allowedRegions.length > 0 && !region.includes('${') && !allowedRegions.includes(region)) {
    issue(
      ctx,
      ['target', 'region'],
      `region ${region} is not in guardrails.allowedRegions (${allowedRegions.join(', ')})`,
      region,
    );
  }
  if (target.provider === 'aws') {
    for (const v of collectVars(input)) {
      if (v.expr.startsWith('lab')) {
        issue(
          ctx,
          v.path
            .split(/\.|\[|\]/)
            .filter(Boolean)
            .map((x) => (/^\d+$/.test(x) ? Number(x) : x)),
          `\${${v.expr}} only resolves with target.provider: lab; write the AWS value or \${env.NAME}`,
          v.expr,
        );
      }
    }
  }
}

/** The whole scenario: the single source of truth for the scenario language. */
export const scenarioSchema = scenarioShape.superRefine(crossCheck, { when: () => true }).meta({
  title: 'drillproof scenario',
  description: 'A resilience drill: what to break, what to measure, what must hold, how to undo it.',
});

export type Scenario = z.infer<typeof scenarioSchema>;
/** The scenario as written (before defaults are applied). */
export type ScenarioInput = z.input<typeof scenarioSchema>;
