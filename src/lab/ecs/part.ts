import { AlbProxy } from '../alb/proxy.js';
import { TargetGroup } from '../alb/target-group.js';
import { ecsService } from '../api/ecs.js';
import type { LabPart, LabPartContext } from '../part.js';
import { EcsServiceLab } from './service.js';
import {
  azOfIp,
  clusterArn,
  ECS_CLUSTER,
  ECS_CONTAINER_PORT,
  ECS_SERVICE,
  ECS_TG_ARN,
  ECS_TG_NAME,
  serviceArn,
  subnetCidr,
} from './topology.js';

/** lab.json `ecs`: the cluster, the service, its `ip` target group and the ALB listener in front. */
export interface EcsLabInfo {
  clusterName: string;
  clusterArn: string;
  serviceName: string;
  serviceArn: string;
  targetGroupArn: string;
  /** The ALB listener whose default action forwards to the ECS target group. */
  url: string;
  desiredCount: number;
  subnets: { id: string; az: string; cidr: string }[];
  /** The tasks at start (they are replaced over time: ListTasks gives the current ones). */
  tasks: { taskArn: string; az: string; privateIpv4Address: string; endpoint: string }[];
}

export async function startEcsPart(ctx: LabPartContext): Promise<LabPart> {
  const o = ctx.options;
  const group = new TargetGroup(
    ECS_TG_ARN,
    ECS_TG_NAME,
    ECS_CONTAINER_PORT,
    {
      intervalMs: o.healthCheckIntervalMs,
      timeoutMs: o.healthCheckTimeoutMs,
      healthyThreshold: o.healthyThreshold,
      unhealthyThreshold: o.unhealthyThreshold,
      path: '/health',
      deregistrationDelayMs: o.deregistrationDelayMs,
    },
    (ip) => {
      const t = [...svc.tasks.values()].find((x) => x.ip === ip && x.child);
      return t ? { running: t.lastStatus !== 'STOPPED', port: t.port, az: t.az } : undefined;
    },
    ctx.network.reachable,
    'ip',
    (ip) => azOfIp(ip, ctx.azs),
  );
  const subnetOf = (az: string) => ctx.subnets.find((s) => s.az === az)?.id ?? '';
  const svc: EcsServiceLab = new EcsServiceLab({
    registry: ctx.registry,
    logsDir: ctx.logsDir,
    cwd: ctx.cwd,
    // The same app as the EC2 instances, configured the same way (src/lab/app-server.ts).
    appEnv: {
      PATH: process.env.PATH,
      LAB_DB_HOST: '127.0.0.1',
      LAB_DB_PORT: String(ctx.db.port),
      LAB_DB_USER: ctx.db.user,
      LAB_DB_PASSWORD: ctx.db.password,
      LAB_DB_NAME: ctx.db.database,
    },
    azs: ctx.azs,
    subnetOf,
    transitionMs: o.transitionMs,
    deregistrationDelayMs: o.deregistrationDelayMs,
    reachable: ctx.network.reachable,
    group,
    freePort: ctx.freePort,
    desiredCount: o.ecsDesiredCount,
    healthCheckGracePeriodSeconds: o.ecsHealthCheckGracePeriodSeconds,
  });
  group.start();
  svc.start();
  const alb = new AlbProxy(group, ctx.network.reachable);
  const port = await alb.listen(0);
  await svc.waitSteady(60_000);
  const info: EcsLabInfo = {
    clusterName: ECS_CLUSTER,
    clusterArn: clusterArn(),
    serviceName: ECS_SERVICE,
    serviceArn: serviceArn(),
    targetGroupArn: ECS_TG_ARN,
    url: `http://127.0.0.1:${port}`,
    desiredCount: o.ecsDesiredCount,
    subnets: ctx.azs.map((az, i) => ({ id: subnetOf(az), az, cidr: subnetCidr(i) })),
    tasks: [...svc.tasks.values()]
      .filter((t) => t.lastStatus === 'RUNNING')
      .map((t) => ({
        taskArn: t.arn,
        az: t.az,
        privateIpv4Address: t.ip,
        endpoint: `127.0.0.1:${t.port}`,
      })),
  };
  return {
    name: 'ecs',
    info: { ecs: info },
    targetGroups: [group],
    json: { ecs: ecsService({ service: svc, subnets: ctx.subnets.map((s) => s.id), targetGroupArn: ECS_TG_ARN }) },
    fisResources: {
      'aws:ecs:task': () =>
        [...svc.tasks.values()].map((t) => ({
          arn: t.arn,
          id: t.id,
          tags: t.tags,
          data: { AvailabilityZone: t.az, lastStatus: t.lastStatus, desiredStatus: t.desiredStatus, group: t.group },
        })),
    },
    fisActions: {
      'aws:ecs:stop-task': async (_ctx, _params, targets) => {
        for (const r of targets.Tasks ?? []) svc.stopTask(svc.task(r.id), 'UserInitiated', 'Task stopped by FIS');
      },
    },
    status: () => ({
      desiredCount: svc.desiredCount,
      runningCount: svc.runningCount,
      pendingCount: svc.pendingCount,
      tasks: [...svc.tasks.values()]
        .filter((t) => t.lastStatus !== 'STOPPED')
        .map((t) => ({
          id: t.id,
          az: t.az,
          ip: t.ip,
          lastStatus: t.lastStatus,
          target: group.find(t.ip, ECS_CONTAINER_PORT)?.state,
        })),
    }),
    reset: () => svc.reset(o.ecsDesiredCount, o.ecsHealthCheckGracePeriodSeconds),
    shutdown: async () => {
      group.stop();
      await Promise.all([alb.close(), svc.shutdown()]);
    },
  };
}
