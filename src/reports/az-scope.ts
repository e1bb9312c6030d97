/**
 * Does an AWS FIS experiment template impair an Availability Zone? RES-004 asks for at minimum an
 * AZ impairment; a FIS experiment counts when its actions take an AZ's resources out of service.
 * A pure function of the template (the shape CreateExperimentTemplate takes and GetExperiment
 * returns), so a reviewer can check the verdict by reading the template. The rules, in order:
 *
 * - `fis-az-power-interruption`: the template carries the action set of FIS's "AZ Availability:
 *   Power Interruption" scenario: at least three of its action types scoped to the same AZ, among
 *   them `aws:ec2:stop-instances` or `aws:network:disrupt-connectivity`.
 * - `fis-subnets-in-az`: `aws:network:disrupt-connectivity` (scope `all` or `availability-zone`) on
 *   every subnet of an AZ (target filter `AvailabilityZone` or parameter `availabilityZoneIdentifier`).
 * - `fis-targets-in-az`: an action that takes compute or storage out of service (stop, terminate or
 *   reboot instances, spot interruptions, stop ECS tasks, drain container instances, terminate EKS
 *   nodes, delete pods, pause EBS I/O) on every target of an AZ (filter `Placement.AvailabilityZone`
 *   / `AvailabilityZone`, or the target's AZ parameter) with selection mode ALL or PERCENT(100).
 * - `fis-database-in-az`: an RDS or ElastiCache action scoped to an AZ by its target parameters
 *   (`writerAvailabilityZoneIdentifiers`, `availabilityZoneIdentifiers`, `availabilityZoneIdentifier`)
 *   or filters: a failover or power interruption of the database nodes in that AZ.
 *
 * Not credited on their own: a subset of an AZ (COUNT(n), PERCENT(n < 100)), capacity errors
 * (`*-insufficient-instance-capacity-error` block new capacity but stop nothing running), zonal
 * autoshift (a recovery action), and actions with no AZ in their targets.
 * Sources: https://docs.aws.amazon.com/fis/latest/userguide/targets.html (filters, resource
 * parameters, selection modes), https://docs.aws.amazon.com/fis/latest/userguide/az-availability-scenario.html,
 * https://docs.aws.amazon.com/fis/latest/userguide/fis-actions-reference.html.
 */
export type AzRule =
  | 'az-impairment-fault'
  | 'fis-az-power-interruption'
  | 'fis-subnets-in-az'
  | 'fis-targets-in-az'
  | 'fis-database-in-az';

/** What one action of the template does to AZs. */
export interface AzFinding {
  action: string;
  actionId: string;
  /** AZs the action's targets or parameters name (empty: not AZ-scoped). */
  azs: string[];
  /** The rule this action satisfies on its own, or null. */
  rule: AzRule | null;
  /** For people: what the action does to the AZ, or why it does not count. */
  why: string;
}

export interface AzScope {
  rule: AzRule | null;
  azs: string[];
  /** For people: which action(s) credited it, or why nothing did. */
  detail: string;
  findings: AzFinding[];
}

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);

const TAKE_OUT_OF_SERVICE = new Set([
  'aws:ec2:stop-instances',
  'aws:ec2:terminate-instances',
  'aws:ec2:reboot-instances',
  'aws:ec2:send-spot-instance-interruptions',
  'aws:ecs:stop-task',
  'aws:ecs:drain-container-instances',
  'aws:eks:terminate-nodegroup-instances',
  'aws:eks:pod-delete',
  'aws:ebs:pause-volume-io',
]);
const DATABASE = new Set([
  'aws:rds:failover-db-cluster',
  'aws:rds:reboot-db-instances',
  'aws:elasticache:replicationgroup-interrupt-az-power',
  'aws:elasticache:interrupt-cluster-az-power',
]);
const CAPACITY = new Set([
  'aws:ec2:api-insufficient-instance-capacity-error',
  'aws:ec2:asg-insufficient-instance-capacity-error',
]);
const NETWORK = 'aws:network:disrupt-connectivity';
/** The action types of the AZ Availability: Power Interruption scenario. */
const POWER_SCENARIO = new Set([
  'aws:ec2:stop-instances',
  NETWORK,
  ...CAPACITY,
  'aws:rds:failover-db-cluster',
  'aws:elasticache:replicationgroup-interrupt-az-power',
  'aws:elasticache:interrupt-cluster-az-power',
  'aws:ebs:pause-volume-io',
  'aws:arc:start-zonal-autoshift',
]);

const AZ_FILTER_PATHS = new Set(['Placement.AvailabilityZone', 'AvailabilityZone', 'AvailabilityZones']);
const AZ_PARAMETERS = [
  'availabilityZoneIdentifier',
  'availabilityZoneIdentifiers',
  'writerAvailabilityZoneIdentifiers',
];

/** AZ names in a parameter value: a comma-separated list; `all` is every AZ, i.e. not AZ-scoped. */
function azList(v: unknown): string[] {
  if (typeof v !== 'string') return [];
  const parts = v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return parts.some((p) => p.toLowerCase() === 'all') ? [] : parts;
}

interface TargetScope {
  name: string;
  azs: string[];
  how: string;
  whole: boolean;
  selection: string;
}

function targetScope(name: string, t: unknown): TargetScope {
  const target = isObj(t) ? t : {};
  const azs: string[] = [];
  const how: string[] = [];
  for (const f of Array.isArray(target.filters) ? target.filters : []) {
    if (!isObj(f) || typeof f.path !== 'string' || !AZ_FILTER_PATHS.has(f.path)) continue;
    const values = (Array.isArray(f.values) ? f.values : []).filter((v): v is string => typeof v === 'string');
    azs.push(...values);
    how.push(`filter ${f.path}`);
  }
  const params = isObj(target.parameters) ? target.parameters : {};
  for (const p of AZ_PARAMETERS) {
    const list = azList(params[p]);
    if (list.length) {
      azs.push(...list);
      how.push(`parameter ${p}`);
    }
  }
  const selection = typeof target.selectionMode === 'string' ? target.selectionMode : 'ALL';
  const whole = /^(ALL|PERCENT\(100\))$/i.test(selection.replace(/\s/g, ''));
  return { name, azs: [...new Set(azs)], how: how.join(', '), whole, selection };
}

function findingOf(name: string, a: Obj, targets: Obj): AzFinding {
  const actionId = typeof a.actionId === 'string' ? a.actionId : '(no actionId)';
  const params = isObj(a.parameters) ? a.parameters : {};
  const refs = isObj(a.targets) ? Object.values(a.targets).filter((v): v is string => typeof v === 'string') : [];
  const scopes = refs.map((r) => targetScope(r, targets[r]));
  const actionAzs = azList(params.availabilityZoneIdentifiers ?? params.availabilityZoneIdentifier);
  const azs = [...new Set([...scopes.flatMap((s) => s.azs), ...actionAzs])];
  const base = { action: name, actionId, azs };
  const scoped = scopes.filter((s) => s.azs.length > 0);
  const inAz = azs.join(', ');
  if (azs.length === 0) return { ...base, rule: null, why: `${name} (${actionId}) names no Availability Zone` };
  const whole = scoped.find((s) => s.whole);
  const partial = scoped.find((s) => !s.whole);
  if (actionId === NETWORK) {
    const scope = typeof params.scope === 'string' ? params.scope : 'all';
    if (scope !== 'all' && scope !== 'availability-zone')
      return { ...base, rule: null, why: `${name} cuts only ${scope} traffic of the subnets in ${inAz}` };
    if (whole)
      return {
        ...base,
        rule: 'fis-subnets-in-az',
        why: `${name} (${actionId}, scope ${scope}) disrupts the network of every subnet of target ${whole.name} in ${inAz} (${whole.how})`,
      };
  }
  if (TAKE_OUT_OF_SERVICE.has(actionId) && whole)
    return {
      ...base,
      rule: 'fis-targets-in-az',
      why: `${name} (${actionId}) acts on every target of ${whole.name} in ${inAz} (${whole.how}, selection ${whole.selection})`,
    };
  if (DATABASE.has(actionId) && scoped.length)
    return {
      ...base,
      rule: 'fis-database-in-az',
      why: `${name} (${actionId}) acts on the database nodes of ${scoped[0]?.name} in ${inAz} (${scoped[0]?.how})`,
    };
  if (CAPACITY.has(actionId))
    return {
      ...base,
      rule: null,
      why: `${name} (${actionId}) blocks new capacity in ${inAz} but stops nothing running`,
    };
  if (actionId === 'aws:arc:start-zonal-autoshift')
    return {
      ...base,
      rule: null,
      why: `${name} shifts traffic away from ${inAz} (a recovery action, not an impairment)`,
    };
  if (partial && (TAKE_OUT_OF_SERVICE.has(actionId) || actionId === NETWORK))
    return {
      ...base,
      rule: null,
      why: `${name} (${actionId}) selects ${partial.selection} of target ${partial.name} in ${inAz}, not the whole AZ`,
    };
  return { ...base, rule: null, why: `${name} (${actionId}) does not take the resources in ${inAz} out of service` };
}

/** The AZ scope of an experiment template (CreateExperimentTemplate input or GetExperiment's experiment). */
export function fisTemplateAzScope(template: unknown): AzScope {
  const t = isObj(template) ? template : {};
  const targets = isObj(t.targets) ? t.targets : {};
  const actions = isObj(t.actions) ? t.actions : {};
  const findings = Object.entries(actions)
    .filter((e): e is [string, Obj] => isObj(e[1]))
    .map(([name, a]) => findingOf(name, a, targets));
  // The power-interruption scenario: several of its action types aimed at one AZ.
  const byAz = new Map<string, Set<string>>();
  for (const f of findings)
    if (POWER_SCENARIO.has(f.actionId))
      for (const az of f.azs) byAz.set(az, (byAz.get(az) ?? new Set()).add(f.actionId));
  for (const [az, ids] of byAz) {
    if (ids.size >= 3 && (ids.has('aws:ec2:stop-instances') || ids.has(NETWORK)))
      return {
        rule: 'fis-az-power-interruption',
        azs: [az],
        detail: `the AZ Availability: Power Interruption action set in ${az}: ${[...ids].sort().join(', ')}`,
        findings,
      };
  }
  const credited = findings.filter((f) => f.rule !== null);
  const first = credited[0];
  if (first)
    return {
      rule: first.rule,
      azs: [...new Set(credited.flatMap((f) => f.azs))],
      detail: credited.map((f) => f.why).join('; '),
      findings,
    };
  return {
    rule: null,
    azs: [],
    detail: findings.length
      ? `no action impairs an Availability Zone: ${findings.map((f) => f.why).join('; ')}`
      : 'the template has no actions',
    findings,
  };
}
