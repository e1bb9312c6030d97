import type { AwsCall, Plan } from './plan/types.js';

/**
 * The least-privilege IAM policy a drill needs: every AWS call of its plan (preflight, faults,
 * inverses, watchers, probes, signing), grouped into statements by resources and tag condition.
 */
export interface IamStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: string[] | string;
  Condition?: Record<string, Record<string, string>>;
}

export interface IamPolicy {
  Version: '2012-10-17';
  Statement: IamStatement[];
}

function allCalls(plan: Plan): AwsCall[] {
  return plan.steps.flatMap((s) => [...s.awsCalls, ...(s.inverse?.awsCalls ?? [])]);
}

function conditionOf(c: AwsCall): IamStatement['Condition'] | undefined {
  if (c.iamAction === 'iam:PassRole')
    return { StringEquals: { 'iam:PassedToService': c.passedToService ?? 'fis.amazonaws.com' } };
  if (c.tagCondition) return { StringEquals: { [`aws:ResourceTag/${c.tagCondition.key}`]: c.tagCondition.value } };
  return undefined;
}

function sidFor(actions: string[], n: number, tagged: boolean): string {
  const services = [...new Set(actions.map((a) => a.split(':')[0] ?? ''))];
  const name = services
    .map((s) =>
      s
        .split('-')
        .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
        .join(''),
    )
    .join('');
  return `${name}${tagged ? 'Tagged' : ''}${n}`;
}

export function buildIamPolicy(plan: Plan): IamPolicy {
  const groups = new Map<
    string,
    { actions: Set<string>; resources: string[]; condition?: IamStatement['Condition'] }
  >();
  for (const c of allCalls(plan)) {
    const resources = [...new Set(c.resources)].sort();
    const condition = conditionOf(c);
    const key = `${resources.join(',')}|${JSON.stringify(condition ?? null)}`;
    let g = groups.get(key);
    if (!g) {
      g = { actions: new Set(), resources, ...(condition ? { condition } : {}) };
      groups.set(key, g);
    }
    g.actions.add(c.iamAction);
  }
  // Merge groups with the same action set and condition into one statement with all resources.
  const merged = new Map<
    string,
    { actions: string[]; resources: Set<string>; condition?: IamStatement['Condition'] }
  >();
  for (const g of groups.values()) {
    const actions = [...g.actions].sort();
    const key = `${actions.join(',')}|${JSON.stringify(g.condition ?? null)}`;
    const m = merged.get(key) ?? {
      actions,
      resources: new Set<string>(),
      ...(g.condition ? { condition: g.condition } : {}),
    };
    for (const r of g.resources) m.resources.add(r);
    merged.set(key, m);
  }
  const statements: IamStatement[] = [];
  const counts = new Map<string, number>();
  const sorted = [...merged.values()].sort((a, b) => (a.actions[0] ?? '').localeCompare(b.actions[0] ?? ''));
  for (const m of sorted) {
    const resources = m.resources.has('*') ? ['*'] : [...m.resources].sort();
    const base =
      resources[0] === '*' && !m.condition
        ? 'ReadOnly'
        : sidFor(m.actions, 0, m.condition !== undefined).replace(/0$/, '');
    const n = (counts.get(base) ?? 0) + 1;
    counts.set(base, n);
    statements.push({
      Sid: `${base}${n}`,
      Effect: 'Allow',
      Action: m.actions,
      Resource: resources.length === 1 ? (resources[0] as string) : resources,
      ...(m.condition ? { Condition: m.condition } : {}),
    });
  }
  return { Version: '2012-10-17', Statement: statements };
}
