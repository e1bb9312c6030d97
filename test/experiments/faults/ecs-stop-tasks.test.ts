import { describe, expect, it } from 'vitest';
import { ecsStopTasksDefinition, stopReason, stopTasksAction } from '../../../src/experiments/faults/ecs/stop-tasks.js';
import type { FaultContext } from '../../../src/experiments/faults/types.js';
import { planContext } from '../../../src/experiments/plan/context.js';
import { ecsServiceResource, type ResolvedEcsService } from '../../../src/experiments/resources/ecs-service.js';
import { fakeAws } from '../../_helpers/fake-aws.js';
import type { FakeEcsService } from '../../_helpers/fake-ecs.js';

const tg = 'arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/api-ip/2';
const service = (over: Partial<FakeEcsService> = {}): FakeEcsService => ({
  cluster: 'shop',
  name: 'api',
  tags: { app: 'shop' },
  targetGroupArn: tg,
  tasks: [
    { id: 'd4', az: 'us-east-1b', ip: '10.0.2.11' },
    { id: 'a1', az: 'us-east-1a', ip: '10.0.1.10' },
    { id: 'c3', az: 'us-east-1b', ip: '10.0.2.10' },
    { id: 'b2', az: 'us-east-1a', ip: '10.0.1.11' },
  ],
  ...over,
});
const fake = (over: Partial<FakeEcsService> = {}) =>
  fakeAws({
    ecs: [service(over)],
    targetGroups: [{ arn: tg, name: 'api-ip', targets: service().tasks.map((t) => ({ id: t.ip, port: 80 })) }],
  });
const resolve = (f: ReturnType<typeof fake>, sel: Record<string, unknown>) =>
  ecsServiceResource.resolve(f.aws, 'api', ecsServiceResource.schema.parse({ type: 'ecs-service', ...sel }), new Map());
const ids = (r: ResolvedEcsService) => r.tasks.map((t) => t.id);

describe('ecs-service resolution', () => {
  it('picks half of the running tasks, sorted by ARN, with AZs, IPs and the target group', async () => {
    const r = await resolve(fake(), { cluster: 'shop', service: 'api', percent: '50%' });
    expect(ids(r)).toEqual(['a1', 'b2']);
    expect(r.tasks.map((t) => [t.az, t.ip])).toEqual([
      ['us-east-1a', '10.0.1.10'],
      ['us-east-1a', '10.0.1.11'],
    ]);
    expect([r.desiredCount, r.runningCount, r.running.length, r.targetGroupArns]).toEqual([4, 4, 4, [tg]]);
  });

  it('keeps one AZ and counts', async () => {
    expect(ids(await resolve(fake(), { cluster: 'shop', service: 'api', az: 'us-east-1b' }))).toEqual(['c3', 'd4']);
    expect(ids(await resolve(fake(), { cluster: 'shop', service: 'api', count: 3 }))).toEqual(['a1', 'b2', 'c3']);
  });

  it('finds the one service carrying the tags across the clusters', async () => {
    const f = fake();
    const r = await resolve(f, { tags: { app: 'shop' }, count: 1 });
    expect([r.serviceName, ids(r)]).toEqual(['api', ['a1']]);
    expect(f.calls.slice(0, 3)).toEqual(['ecs:ListClusters', 'ecs:ListServices', 'ecs:DescribeServices']);
  });

  it('fails preflight for an unknown service, wrong tags, or no task in the AZ', async () => {
    await expect(resolve(fake(), { cluster: 'shop', service: 'web' })).rejects.toThrow(/no active service web/);
    await expect(resolve(fake(), { tags: { app: 'other' } })).rejects.toThrow(/no ECS service carries the tags/);
    await expect(resolve(fake(), { cluster: 'shop', service: 'api', az: 'us-east-1c' })).rejects.toThrow(
      /no running task of service api in us-east-1c/,
    );
  });

  it('the selector needs service or tags, and count or percent, not both', () => {
    expect(ecsServiceResource.schema.safeParse({ type: 'ecs-service', cluster: 'shop' }).success).toBe(false);
    const both = { type: 'ecs-service', service: 'api', count: 1, percent: '50%' };
    expect(ecsServiceResource.schema.safeParse(both).success).toBe(false);
  });
});

describe('ecs-stop-tasks', () => {
  const scenario = (sel: Record<string, unknown>) => ({
    resources: { api: { type: 'ecs-service', ...sel } },
    target: { provider: 'aws', region: 'eu-west-1', allowedAccounts: ['123456789012'] },
    guardrails: { requiredTag: { key: 'drillproof', value: 'allowed' } },
  });

  it('plans StopTask on the cluster tasks with the tag condition; the undo waits for the service', () => {
    const step = ecsStopTasksDefinition.schema.parse({ id: 's', type: 'ecs-stop-tasks', resource: 'api' });
    const p = ecsStopTasksDefinition.plan(step, planContext(scenario({ cluster: 'shop', service: 'api' })), undefined);
    expect(p.inverse?.description).toMatch(
      /^wait until the service is back at the desired count .*nothing is restarted/,
    );
    expect(p.inverse?.awsCalls.map((c) => c.iamAction)).toEqual([
      'ecs:DescribeServices',
      'ecs:ListTasks',
      'ecs:DescribeTasks',
      'elasticloadbalancing:DescribeTargetHealth',
    ]);
    expect(p.inverseActions).toEqual(['ecs.await-service']);
    expect(p.notes?.[0]).toMatch(/^nothing to undo: .*replaces it/);
    expect(p.inject).toEqual([
      expect.objectContaining({
        iamAction: 'ecs:StopTask',
        resources: ['arn:aws:ecs:eu-west-1:123456789012:task/shop/*'],
        tagCondition: { key: 'drillproof', value: 'allowed' },
      }),
    ]);
    expect(p.preflight.find((c) => c.operation === 'DescribeServices')?.resources).toEqual([
      'arn:aws:ecs:eu-west-1:123456789012:service/shop/api',
    ]);
  });

  it('names the run in the StopTask reason, within the 255 characters ECS allows', () => {
    expect(stopReason('r-1', 'stop-half', 'why')).toBe('drillproof run r-1 step stop-half: why');
    expect(stopReason('r'.repeat(300), 's')).toHaveLength(255);
  });

  it('stops the tasks, waits for the replacements and confirms from ECS answers', async () => {
    const f = fake({ replace: false });
    const svc = await resolve(f, { cluster: 'shop', service: 'api', count: 2 });
    const entries: { kind: string; data: unknown; t: number }[] = [];
    const ctx = { aws: f.aws, journal: { entries } } as unknown as FaultContext;
    const action = stopTasksAction({
      stepId: 's',
      fault: 'ecs-stop-tasks',
      svc,
      tasks: svc.tasks,
      runId: 'r-1',
      region: 'us-east-1',
    });
    // The wait rollback and recover replay, journaled before StopTask, names the stopped tasks.
    expect(action.inverse).toMatchObject({
      action: 'ecs.await-service',
      params: { service: 'api', stopped: svc.tasks.map((t) => t.arn) },
    });
    const confirm = ecsStopTasksDefinition.confirm;
    expect((await confirm?.check(action, ctx))?.status).toBe('not-confirmed');
    const res = await action.run(ctx);
    expect(res.requestIds).toHaveLength(2);
    expect([...f.ecsTasks.values()].find((t) => t.id === 'a1')?.stoppedReason).toBe('drillproof run r-1 step s');
    const c = await confirm?.check(action, ctx);
    expect(c?.status).toBe('confirmed');
    expect(c?.answers).toContainEqual({ service: 'api', desiredCount: 4, runningCount: 2 });
  });

  it('does not confirm a drop the service never showed', async () => {
    const f = fake();
    const svc = await resolve(f, { cluster: 'shop', service: 'api', count: 1 });
    const ctx = { aws: f.aws, journal: { entries: [] } } as unknown as FaultContext;
    const action = stopTasksAction({
      stepId: 's',
      fault: 'ecs-stop-tasks',
      svc,
      tasks: svc.tasks,
      runId: 'r',
      region: 'us-east-1',
    });
    await action.run(ctx);
    const c = await ecsStopTasksDefinition.confirm?.check(action, ctx);
    expect([c?.status, c?.detail]).toEqual([
      'not-confirmed',
      'tasks STOPPED but the running count of api never dropped',
    ]);
    const watched = { kind: 'watch.event', t: 1, data: { source: 'ecs', resource: 'api', running: 3, desired: 4 } };
    const c2 = await ecsStopTasksDefinition.confirm?.check(action, {
      aws: f.aws,
      journal: { entries: [watched] },
    } as unknown as FaultContext);
    expect(c2?.status).toBe('confirmed');
  });
});
