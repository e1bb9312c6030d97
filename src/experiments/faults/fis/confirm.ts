import type { ConfirmationResult } from '../definition.js';
import type { FaultAction, FaultContext } from '../types.js';

/** The FIS actions whose effect drillproof can see for itself, and the instance states that show it. */
const EFFECT_STATES: Record<string, readonly string[]> = {
  'aws:ec2:stop-instances': ['stopping', 'stopped'],
  'aws:ec2:terminate-instances': ['shutting-down', 'terminated'],
};

type Target = { resourceType?: string; resourceArns?: string[]; resourceTags?: Record<string, string> };

/**
 * Effects seen so far, per run and step: an instance FIS stops is started again before the
 * action reports completed (startInstancesAfterDuration), so the sighting must outlive one look.
 */
const sightings = new Map<string, Map<string, unknown>>();

/** The instances a target can select: its ARNs, or every instance with its tags (filters aside). */
async function candidates(ctx: FaultContext, t: Target | undefined) {
  if (t?.resourceType !== 'aws:ec2:instance') return [];
  const ids = (t.resourceArns ?? []).map((a) => a.split('/').pop() as string);
  const tags = Object.entries(t.resourceTags ?? {});
  if (!ids.length && !tags.length) return [];
  const res = await ctx.aws.ec2.describeInstances(
    ids.length ? { InstanceIds: ids } : { Filters: tags.map(([k, v]) => ({ Name: `tag:${k}`, Values: [v] })) },
  );
  return (res.Reservations ?? [])
    .flatMap((r) => r.Instances ?? [])
    .map((i) => ({ instanceId: i.InstanceId, state: i.State?.Name }));
}

/**
 * A FIS experiment: confirmed when GetExperiment reports it and each of its actions `completed`
 * and, for the EC2 actions drillproof can see, a targeted instance was seen in the state the
 * action causes (a completed action that changed nothing is not confirmed). `failed` or
 * `cancelled` is AWS declining it; `stopped` is not confirmed.
 */
export async function experimentConfirmed(action: FaultAction, ctx: FaultContext): Promise<ConfirmationResult> {
  const id = action.basis?.().experimentId;
  if (typeof id !== 'string') return { status: 'not-confirmed', detail: 'no experiment id', answers: [] };
  const x = (await ctx.aws.fis.getExperiment({ id })).experiment;
  const status: string = x?.state?.status ?? 'unknown';
  const actions = Object.entries(x?.actions ?? {}).map(([name, a]) => ({
    name,
    actionId: a.actionId,
    status: a.state?.status,
    reason: a.state?.reason,
  }));
  const key = `${ctx.runId}/${action.stepId}`;
  const seen = sightings.get(key) ?? new Map<string, unknown>();
  sightings.set(key, seen);
  for (const [name, a] of Object.entries(x?.actions ?? {})) {
    const states = EFFECT_STATES[a.actionId ?? ''];
    if (!states || seen.has(name)) continue;
    const targets = Object.values(a.targets ?? {}).map((t) => x?.targets?.[t] as Target | undefined);
    const found = (await Promise.all(targets.map((t) => candidates(ctx, t)))).flat();
    const hit = found.filter((i) => states.includes(i.state ?? ''));
    if (hit.length) seen.set(name, { call: 'ec2:DescribeInstances', action: name, instances: hit });
  }
  const answers = [{ call: 'fis:GetExperiment', id, status, reason: x?.state?.reason, actions }, ...seen.values()];
  const say = (s: ConfirmationResult['status'], detail: string): ConfirmationResult => ({
    status: s,
    detail: `experiment ${id} ${detail}`,
    answers,
  });
  if (status === 'failed' || status === 'cancelled') return say('declined', `${status}: ${x?.state?.reason ?? ''}`);
  if (status !== 'completed') return say('not-confirmed', status);
  const notDone = actions.filter((a) => a.status !== 'completed');
  if (notDone.length)
    return say('not-confirmed', `completed, but ${notDone.map((a) => `${a.name} ${a.status}`).join(', ')}`);
  const unseen = actions.filter((a) => EFFECT_STATES[a.actionId ?? ''] && !seen.has(a.name));
  if (unseen.length) {
    return say(
      'not-confirmed',
      `completed, but no instance targeted by ${unseen.map((a) => `${a.name} (${a.actionId})`).join(', ')} was seen leaving running`,
    );
  }
  sightings.delete(key);
  return say('confirmed', `completed: ${actions.map((a) => `${a.name} completed`).join(', ')}`);
}
