import { z } from 'zod';
import { DrillproofError } from '../../../errors.js';
import { strict, text } from '../../../scenario/common.js';
import { call, tagged } from '../../plan/context.js';
import { type ResolvedReplicationGroup, replicationGroupArns } from '../../resources/elasticache-replication-group.js';
import { resolvedOf, selectorOf } from '../../resources/registry.js';
import { defineFault } from '../definition.js';
import { requestIds } from '../inverse.js';
import { M, planTarget, resourceName, S, stepShape } from '../step.js';
import type { FaultAction, FaultContext } from '../types.js';
import { awaitGroupAvailable, awaitGroupSpec, waitGroupAvailable } from './await-available.js';
import { failoverConfirmation, injectedAt } from './confirm.js';

export const elasticacheFailoverFault = strict({
  ...stepShape,
  type: z.literal('elasticache-failover'),
  resource: resourceName,
  nodeGroup: text.optional().meta({
    description:
      'Node group (shard) id, e.g. 0001, or `all` (one TestFailover per node group, each after the group is available again). Cluster mode off: its only node group (default). Cluster mode on: required.',
  }),
}).meta({ description: 'TestFailover on a replication group node group: a replica is promoted to primary.' });

type Step = z.infer<typeof elasticacheFailoverFault>;

/** The node groups the step fails over. @throws DrillproofError when the step does not fit the group. */
export function nodeGroupsFor(step: Step, g: ResolvedReplicationGroup): string[] {
  const ids = g.nodeGroups.map((n) => n.id);
  if (step.nodeGroup === 'all') return ids;
  if (step.nodeGroup === undefined) {
    if (!g.clusterMode && ids.length === 1) return ids;
    throw DrillproofError.user(
      'CacheNodeGroupNeeded',
      `fault ${step.id}: replication group ${g.id} has cluster mode on with node groups ${ids.join(', ')}; say which to fail over`,
      { hint: `add nodeGroup: ${ids[0] ?? '0001'} (or nodeGroup: all) to the step` },
    );
  }
  if (!ids.includes(step.nodeGroup)) {
    throw DrillproofError.user(
      'CacheNodeGroupUnknown',
      `fault ${step.id}: replication group ${g.id} has no node group ${step.nodeGroup}`,
      { hint: `use one of ${ids.join(', ')} or all` },
    );
  }
  return [step.nodeGroup];
}

function failoverAction(
  g: ResolvedReplicationGroup,
  ng: string,
  first: boolean,
  step: Step,
  region: string,
): FaultAction {
  const members = g.nodeGroups.find((n) => n.id === ng)?.members ?? [];
  const action: FaultAction = {
    stepId: step.id,
    fault: step.type,
    action: 'elasticache:TestFailover',
    targets: [`${g.id}/${ng}`],
    inverse: awaitGroupSpec(g.id, region),
    preflight: async () => [
      { check: 'group available', ok: g.status === 'available', detail: `${g.id} is ${g.status}` },
      {
        check: 'automatic failover',
        ok: g.automaticFailover === 'enabled',
        detail: `automatic failover of ${g.id} is ${g.automaticFailover}`,
        ...(g.automaticFailover === 'enabled' ? {} : { hint: 'enable automatic failover (Multi-AZ) on the group' }),
      },
      {
        check: 'replica',
        ok: members.length >= 2,
        detail: `node group ${ng} has ${members.length} node(s)`,
        ...(members.length >= 2 ? {} : { hint: 'add a replica to the node group; TestFailover promotes one' }),
      },
    ],
    run: async (c: FaultContext) => {
      // AWS takes one TestFailover at a time per group: the next shard's waits for the previous one.
      if (!first) await waitGroupAvailable(c, g.id, c.signal);
      injectedAt.set(action, new Date(c.clock.wallMs()));
      const out = await c.aws.elasticache.testFailover({ ReplicationGroupId: g.id, NodeGroupId: ng });
      return { requestIds: requestIds(out), response: { status: out.ReplicationGroup?.Status ?? null } };
    },
    watch: [{ source: 'elasticache', replicationGroupId: g.id }],
  };
  return action;
}

/** elasticache-failover: TestFailover per node group. Undo = wait until the group is available. */
export const elasticacheFailoverDefinition = defineFault({
  type: 'elasticache-failover',
  schema: elasticacheFailoverFault,
  resourceRefs: [{ key: 'resource', types: ['elasticache-replication-group'] }],
  plan(f, ctx) {
    const id = selectorOf(ctx.resources, f.resource, 'elasticache-replication-group')?.id;
    const arn = replicationGroupArns(ctx, id);
    return {
      title: `fail over ElastiCache replication group ${id ?? f.resource}${f.nodeGroup ? ` node group ${f.nodeGroup}` : ''}`,
      description:
        'TestFailover promotes a replica of the node group to primary; the primary endpoint follows. Replication is asynchronous: writes acknowledged by the old primary and not yet replicated are lost (the heartbeat RPO).',
      targets: [planTarget(ctx, f.resource)],
      preflight: [call('elasticache', 'DescribeReplicationGroups', arn, { note: 'status, node groups, roles' })],
      inject: [call('elasticache', 'TestFailover', arn, { ...tagged(ctx), note: 'one call per node group' })],
      watch: [
        call('elasticache', 'DescribeReplicationGroups', arn, { note: 'status and node roles' }),
        call('elasticache', 'DescribeEvents', ['*'], { note: 'cache events of the group and its nodes' }),
      ],
      destructive: true,
      recoveryTypicalMs: ctx.lab ? 3 * S : 60 * S,
      injectMs: { typical: 1 * S, max: 30 * S },
      inverse: {
        description: 'wait until the replication group is available again (nothing is failed back)',
        awsCalls: [call('elasticache', 'DescribeReplicationGroups', arn, { note: 'status' })],
      },
      inverseActions: [awaitGroupAvailable.action],
      inverseMs: ctx.lab ? { typical: 2 * S, max: 30 * S } : { typical: 2 * M, max: 10 * M },
      notes: [
        'the promoted replica stays primary (fail back with another drill if needed)',
        'AWS allows TestFailover on at most 15 node groups per rolling 24 hours',
      ],
    };
  },
  async prepare(step, ctx) {
    const g = resolvedOf(
      ctx.resources,
      step.resource,
      'elasticache-replication-group',
      `fault ${step.id} (${step.type})`,
    );
    return nodeGroupsFor(step, g).map((ng, i) => failoverAction(g, ng, i === 0, step, ctx.aws.region));
  },
  inverses: [awaitGroupAvailable],
  affects: (step) => [step.resource],
  confirm: failoverConfirmation,
});
