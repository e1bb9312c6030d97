import type { Ec2Fleet } from '../ec2/fleet.js';
import type { LabNetwork } from '../network.js';
import type { RdsLab } from '../rds/lab-rds.js';
import { parseIsoDurationMs } from './duration.js';
import type { Resource } from './targets.js';

export interface ActionContext {
  fleet: Ec2Fleet;
  rds: RdsLab;
  network: LabNetwork;
  timeScale: number;
  signal: AbortSignal;
  /** Rollbacks registered while running; run when the experiment is stopped. */
  onStop: (fn: () => Promise<void> | void) => void;
}

export type ActionRunner = (
  ctx: ActionContext,
  params: Record<string, string>,
  targets: Record<string, Resource[]>,
) => Promise<void>;

/** Sleeps `ms`, or rejects when the experiment is stopped. */
function wait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

async function until(cond: () => boolean, signal: AbortSignal, timeoutMs = 600_000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await wait(50, signal);
  }
}

function durationParam(ctx: ActionContext, params: Record<string, string>, name: string): number | undefined {
  const v = params[name];
  if (v === undefined) return undefined;
  const ms = parseIsoDurationMs(v);
  if (ms === undefined) throw new Error(`parameter ${name} is not an ISO 8601 duration: ${v}`);
  return ms * ctx.timeScale;
}

const ids = (rs: Resource[] | undefined) => (rs ?? []).map((r) => r.id);

/**
 * What an action does under the `fisActions: no-effect` control-plane fault: it lasts as long as
 * its duration parameter says (`duration`, else `startInstancesAfterDuration`) and touches nothing.
 */
export const noEffectRunner: ActionRunner = async (ctx, params) => {
  const ms = durationParam(ctx, params, 'duration') ?? durationParam(ctx, params, 'startInstancesAfterDuration');
  if (ms !== undefined) await wait(ms, ctx.signal);
};

export const ACTION_RUNNERS: Record<string, ActionRunner> = {
  'aws:ec2:stop-instances': async (ctx, params, targets) => {
    const list = ids(targets.Instances);
    const restartAfter = durationParam(ctx, params, 'startInstancesAfterDuration');
    const startAgain = async () => {
      const stopped = list.filter((id) => ctx.fleet.instances.get(id)?.state === 'stopped');
      await Promise.all(list.map((id) => ctx.fleet.settled(id)));
      const now = list.filter((id) => ctx.fleet.instances.get(id)?.state === 'stopped');
      if (stopped.length + now.length > 0) ctx.fleet.start([...new Set([...stopped, ...now])]);
    };
    if (restartAfter !== undefined) ctx.onStop(startAgain);
    ctx.fleet.stop(list);
    await until(
      () => list.every((id) => ctx.fleet.instances.get(id)?.state === 'stopped'),
      ctx.signal,
      120_000,
      'instances to stop',
    );
    if (restartAfter === undefined) return;
    await wait(restartAfter, ctx.signal);
    ctx.fleet.start(list.filter((id) => ctx.fleet.instances.get(id)?.state === 'stopped'));
    const terminatedOk = params.completeIfInstancesTerminated === 'true';
    await until(
      () =>
        list.every((id) => {
          const s = ctx.fleet.instances.get(id)?.state;
          return s === 'running' || (terminatedOk && s === 'terminated');
        }),
      ctx.signal,
      120_000,
      'instances to start',
    );
  },
  'aws:ec2:reboot-instances': async (ctx, _p, targets) => {
    const list = ids(targets.Instances);
    ctx.fleet.reboot(list);
    await Promise.all(list.map((id) => ctx.fleet.settled(id)));
  },
  'aws:ec2:terminate-instances': async (ctx, _p, targets) => {
    const list = ids(targets.Instances);
    ctx.fleet.terminate(list);
    await until(
      () => list.every((id) => ctx.fleet.instances.get(id)?.state === 'terminated'),
      ctx.signal,
      120_000,
      'termination',
    );
  },
  'aws:rds:failover-db-cluster': async (ctx, _p, targets) => {
    const list = ids(targets.Clusters);
    for (const id of list) ctx.rds.failoverCluster(id);
    await until(
      () => list.every((id) => ctx.rds.clusters.get(id)?.status === 'available'),
      ctx.signal,
      300_000,
      'cluster failover',
    );
  },
  'aws:rds:reboot-db-instances': async (ctx, params, targets) => {
    const list = ids(targets.DBInstances);
    const force = params.forceFailover === 'true';
    for (const id of list) ctx.rds.reboot(id, force && ctx.rds.instances.get(id)?.kind === 'multi-az');
    await until(
      () => list.every((id) => ctx.rds.instances.get(id)?.status === 'available'),
      ctx.signal,
      300_000,
      'DB reboot',
    );
  },
  'aws:fis:wait': async (ctx, params) => {
    await wait(durationParam(ctx, params, 'duration') ?? 0, ctx.signal);
  },
  'aws:network:disrupt-connectivity': async (ctx, params, targets) => {
    const scope = params.scope ?? 'all';
    if (scope !== 'all' && scope !== 'availability-zone') {
      throw new Error(`scope ${scope} is not supported by the lab (use all or availability-zone)`);
    }
    const azs = [...new Set((targets.Subnets ?? []).map((r) => String(r.data.AvailabilityZone)))];
    const duration = durationParam(ctx, params, 'duration') ?? 0;
    let restored = false;
    const restore = () => {
      if (restored) return;
      restored = true;
      for (const az of azs) ctx.network.restore(az);
    };
    ctx.onStop(restore);
    for (const az of azs) ctx.network.disrupt(az);
    try {
      await wait(duration, ctx.signal);
    } finally {
      restore();
    }
  },
};
