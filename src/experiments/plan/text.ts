import { formatDurationMs } from '../../util/units.js';
import type { AwsCall, Plan } from './types.js';

function callLine(c: AwsCall): string {
  const params = c.params && Object.keys(c.params).length ? ` ${JSON.stringify(c.params)}` : '';
  const cond = c.tagCondition ? ` [only if tagged ${c.tagCondition.key}=${c.tagCondition.value}]` : '';
  const dry = c.dryRun ? ' (DryRun)' : '';
  const note = c.note ? ` - ${c.note}` : '';
  return `${c.iamAction}${dry}${params}${cond}${note}`;
}

/** The plan for people: numbered steps, AWS calls, inverses, IAM actions, expected duration. */
export function formatPlanText(plan: Plan): string {
  const out: string[] = [];
  const t = plan.target;
  out.push(`plan for ${plan.scenario.name} (${plan.scenario.path}, sha256 ${plan.scenario.sha256.slice(0, 12)})`);
  out.push(
    `target: ${t.provider}, region ${t.region}${t.allowedAccounts.length ? `, accounts ${t.allowedAccounts.join(', ')}` : ''}`,
  );
  out.push(
    `expected duration: about ${formatDurationMs(plan.estimatedDurationMs.typical)}, at most ${formatDurationMs(plan.estimatedDurationMs.max)}`,
  );
  if (plan.resources.length) {
    out.push('', 'resources:');
    for (const r of plan.resources) out.push(`  ${r.name}: ${r.selector}`);
  }
  if (plan.probes.length) {
    out.push('', 'probes:');
    for (const p of plan.probes) out.push(`  ${p.name} (${p.type}): ${p.what}`);
  }
  out.push('', 'steps:');
  for (const s of plan.steps) {
    const est =
      s.estimateMs.max > 0
        ? ` [~${formatDurationMs(s.estimateMs.typical)}${s.estimateMs.max !== s.estimateMs.typical ? `, max ${formatDurationMs(s.estimateMs.max)}` : ''}]`
        : '';
    out.push(
      `  ${String(s.n).padStart(2)}. ${s.phase.padEnd(9)} ${s.title}${s.destructive ? '  (destructive)' : ''}${est}`,
    );
    out.push(`      ${s.description}`);
    for (const tg of s.targets) out.push(`      target ${tg.resource}: ${tg.selector}`);
    for (const c of s.awsCalls) out.push(`      call ${callLine(c)}`);
    if (s.inverse === null) out.push('      inverse: none (nothing to undo, or cannot be undone)');
    else if (s.inverse) {
      out.push(`      inverse: ${s.inverse.description}`);
      for (const c of s.inverse.awsCalls) out.push(`        call ${callLine(c)}`);
      if (s.inverse.command) out.push(`        run ${JSON.stringify(s.inverse.command)}`);
      if (s.inverse.http) out.push(`        ${s.inverse.http.method} ${s.inverse.http.url}`);
    }
  }
  out.push('', `IAM actions (${plan.iamActions.length}): ${plan.iamActions.join(', ')}`);
  out.push('  (drillproof iam-policy prints the least-privilege policy)');
  for (const w of plan.warnings) out.push(`warning: ${w}`);
  return `${out.join('\n')}\n`;
}
