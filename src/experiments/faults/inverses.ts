import { DrillproofError } from '../../errors.js';
import { ASG_TAG } from '../preflight-resources.js';
import { describeStates, waitForStates } from './ec2-state.js';
import { runCommand, sendHttp } from './exec-http-runtime.js';
import type { FaultContext, InverseSpec } from './types.js';
import { pollUntil } from './wait.js';

/** What an undo needs: no abort signal on purpose, a rollback is never cut short by the abort. */
export type InverseContext = Pick<FaultContext, 'aws' | 'clock' | 'pollMs' | 'waitTimeoutMs' | 'env' | 'scenarioDir'>;

export const RUN_ID_TAG = 'drillproof:run-id';

/**
 * Executes one recorded inverse. Every inverse is idempotent (safe to run again after a crash
 * mid-rollback): starting running instances, registering registered targets, deleting a deleted
 * instance or stopping a finished experiment all succeed without changing anything.
 * @returns the AWS request ids of the calls that changed something
 */
export async function executeInverse(ctx: InverseContext, spec: InverseSpec): Promise<string[]> {
  const p = spec.params;
  switch (spec.action) {
    case 'ec2.start-instances':
      return startInstances(ctx, p.instanceIds as string[]);
    case 'ec2.await-replacement':
      return awaitReplacement(ctx, p.asgName as string, p.expectedRunning as number);
    case 'elbv2.register-targets': {
      const targets = p.targets as { Id: string; Port?: number }[];
      const res = await ctx.aws.elbv2.registerTargets({ TargetGroupArn: p.targetGroupArn as string, Targets: targets });
      await pollUntil(
        async () => {
          const h = await ctx.aws.elbv2.describeTargetHealth({ TargetGroupArn: p.targetGroupArn as string });
          const mine = (h.TargetHealthDescriptions ?? []).filter((d) => targets.some((t) => t.Id === d.Target?.Id));
          return mine.length === targets.length && mine.every((d) => d.TargetHealth?.State === 'healthy')
            ? true
            : undefined;
        },
        { clock: ctx.clock, intervalMs: ctx.pollMs, timeoutMs: ctx.waitTimeoutMs, what: 'targets to be healthy' },
      );
      return ids(res.$metadata.requestId);
    }
    case 'rds.await-available':
      await waitDbAvailable(ctx, p.id as string, p.kind === 'cluster' ? 'cluster' : 'instance');
      return [];
    case 'rds.delete-instance':
      return deleteDbInstance(ctx, p.id as string);
    case 'fis.stop-experiment':
      return stopExperiments(ctx, p.experimentId as string | undefined, p.runId as string, p.stepId as string);
    case 'fis.delete-template': {
      try {
        const res = await ctx.aws.fis.deleteExperimentTemplate({ id: p.templateId as string });
        return ids(res.$metadata.requestId);
      } catch (err) {
        if (DrillproofError.is(err) && err.code === 'AwsResourceNotFound') return [];
        throw err;
      }
    }
    case 'exec': {
      const r = await runCommand(p.command as string[], {
        timeoutMs: (p.timeoutMs as number) ?? 60_000,
        cwd: ctx.scenarioDir,
        env: ctx.env,
      });
      if (r.exitCode !== 0) {
        throw DrillproofError.user(
          'InverseCommandFailed',
          `inverse command exited ${r.exitCode}: ${r.stderr.slice(-300)}`,
        );
      }
      return [];
    }
    case 'http': {
      const r = await sendHttp(p as unknown as Parameters<typeof sendHttp>[0]);
      if (!r.ok) throw DrillproofError.user('InverseHttpFailed', `inverse request answered ${r.status}: ${r.detail}`);
      return [];
    }
  }
}

async function startInstances(ctx: InverseContext, instanceIds: string[]): Promise<string[]> {
  // A stopping instance cannot be started yet: wait for it to settle first.
  await waitForStates(ctx, instanceIds, ['stopped', 'running', 'pending', 'terminated', 'absent']);
  const now = await describeStates(ctx.aws, instanceIds);
  const toStart = instanceIds.filter((id) => now.get(id)?.state === 'stopped');
  const gone = instanceIds.filter((id) => (now.get(id)?.state ?? 'terminated') === 'terminated');
  if (gone.length) {
    throw DrillproofError.aws('InstanceGone', `instance(s) ${gone.join(', ')} are terminated and cannot be started`);
  }
  const rids: string[] = [];
  if (toStart.length) {
    const res = await ctx.aws.ec2.startInstances({ InstanceIds: toStart });
    rids.push(...ids(res.$metadata.requestId));
  }
  await waitForStates(ctx, instanceIds, ['running']);
  return rids;
}

async function awaitReplacement(ctx: InverseContext, asgName: string, expectedRunning: number): Promise<string[]> {
  await pollUntil(
    async () => {
      const res = await ctx.aws.ec2.describeInstances({ Filters: [{ Name: `tag:${ASG_TAG}`, Values: [asgName] }] });
      const running = (res.Reservations ?? [])
        .flatMap((r) => r.Instances ?? [])
        .filter((i) => i.State?.Name === 'running' && i.Tags?.some((t) => t.Key === ASG_TAG && t.Value === asgName));
      return running.length >= expectedRunning ? true : undefined;
    },
    {
      clock: ctx.clock,
      intervalMs: ctx.pollMs,
      timeoutMs: ctx.waitTimeoutMs,
      what: `Auto Scaling group ${asgName} to have ${expectedRunning} running instances`,
    },
  );
  return [];
}

export async function waitDbAvailable(
  ctx: InverseContext,
  id: string,
  kind: 'instance' | 'cluster',
  signal?: AbortSignal,
) {
  await pollUntil(
    async () => {
      const status =
        kind === 'cluster'
          ? (await ctx.aws.rds.describeDBClusters({ DBClusterIdentifier: id })).DBClusters?.[0]?.Status
          : (await ctx.aws.rds.describeDBInstances({ DBInstanceIdentifier: id })).DBInstances?.[0]?.DBInstanceStatus;
      if (status === 'failed' || status === 'deleting' || status === 'incompatible-restore') {
        throw DrillproofError.aws('DbUnavailable', `DB ${kind} ${id} is ${status}`);
      }
      return status === 'available' ? true : undefined;
    },
    {
      clock: ctx.clock,
      intervalMs: ctx.pollMs,
      timeoutMs: ctx.waitTimeoutMs,
      ...(signal ? { signal } : {}),
      what: `DB ${kind} ${id} to be available`,
    },
  );
}

async function deleteDbInstance(ctx: InverseContext, id: string): Promise<string[]> {
  const rids: string[] = [];
  // A restore still being created cannot be deleted yet (InvalidDBInstanceState): keep trying.
  const deleted = await pollUntil(
    async () => {
      try {
        const res = await ctx.aws.rds.deleteDBInstance({
          DBInstanceIdentifier: id,
          SkipFinalSnapshot: true,
          DeleteAutomatedBackups: true,
        });
        rids.push(...ids(res.$metadata.requestId));
        return 'requested' as const;
      } catch (err) {
        if (DrillproofError.is(err) && err.code === 'AwsResourceNotFound') return 'gone' as const;
        if (DrillproofError.is(err) && err.code === 'AwsInvalidState') return undefined;
        throw err;
      }
    },
    {
      clock: ctx.clock,
      intervalMs: ctx.pollMs,
      timeoutMs: ctx.waitTimeoutMs,
      what: `DB instance ${id} to accept deletion`,
    },
  );
  if (deleted === 'gone') return rids;
  await pollUntil(
    async () => {
      try {
        const res = await ctx.aws.rds.describeDBInstances({ DBInstanceIdentifier: id });
        return (res.DBInstances ?? []).length === 0 ? true : undefined;
      } catch (err) {
        if (DrillproofError.is(err) && err.code === 'AwsResourceNotFound') return true;
        throw err;
      }
    },
    { clock: ctx.clock, intervalMs: ctx.pollMs, timeoutMs: ctx.waitTimeoutMs, what: `DB instance ${id} to be deleted` },
  );
  return rids;
}

const FIS_DONE = new Set(['completed', 'stopped', 'failed', 'cancelled']);

async function stopExperiments(
  ctx: InverseContext,
  experimentId: string | undefined,
  runId: string,
  stepId: string,
): Promise<string[]> {
  let expIds: string[] = experimentId ? [experimentId] : [];
  if (!experimentId) {
    // Crashed between StartExperiment and recording its id: find it by the run tag.
    const res = await ctx.aws.fis.listExperiments({});
    expIds = (res.experiments ?? [])
      .filter((e) => e.tags?.[RUN_ID_TAG] === runId && (e.tags?.['drillproof:step'] ?? stepId) === stepId)
      .map((e) => e.id ?? '')
      .filter(Boolean);
  }
  const rids: string[] = [];
  for (const id of expIds) {
    const cur = await ctx.aws.fis.getExperiment({ id });
    if (FIS_DONE.has(cur.experiment?.state?.status ?? '')) continue;
    try {
      const res = await ctx.aws.fis.stopExperiment({ id });
      rids.push(...ids(res.$metadata.requestId));
    } catch (err) {
      if (!(DrillproofError.is(err) && err.code === 'AwsResourceNotFound')) throw err;
    }
    await pollUntil(
      async () => {
        const g = await ctx.aws.fis.getExperiment({ id });
        return FIS_DONE.has(g.experiment?.state?.status ?? '') ? true : undefined;
      },
      { clock: ctx.clock, intervalMs: ctx.pollMs, timeoutMs: ctx.waitTimeoutMs, what: `FIS experiment ${id} to stop` },
    );
  }
  return rids;
}

function ids(...xs: (string | undefined)[]): string[] {
  return xs.filter((x): x is string => !!x);
}
