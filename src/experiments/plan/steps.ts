import type { AwsCall, PlanPhase, PlanStep } from './types.js';

/** One call per IAM action, resource set and DryRun flag (fault plans may repeat a lookup). */
function dedupeCalls(calls: AwsCall[]): AwsCall[] {
  const seen = new Set<string>();
  return calls.filter((c) => {
    const k = `${c.iamAction}|${c.resources.join(',')}|${c.dryRun ?? ''}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** The plan's numbered steps, each with the IAM actions of its calls and of its inverse's. */
export class PlanSteps {
  readonly steps: PlanStep[] = [];

  add(
    phase: PlanPhase,
    id: string,
    title: string,
    description: string,
    extra: Partial<PlanStep> & { awsCalls?: AwsCall[] } = {},
  ): void {
    const awsCalls = dedupeCalls(extra.awsCalls ?? []);
    const inverseCalls = extra.inverse?.awsCalls ?? [];
    this.steps.push({
      n: this.steps.length + 1,
      phase,
      id,
      title,
      description,
      targets: extra.targets ?? [],
      awsCalls,
      ...(extra.inverse !== undefined ? { inverse: extra.inverse } : {}),
      destructive: extra.destructive ?? false,
      iamActions: [...new Set([...awsCalls, ...inverseCalls].map((c) => c.iamAction))].sort(),
      estimateMs: extra.estimateMs ?? { typical: 0, max: 0 },
    });
  }
}
