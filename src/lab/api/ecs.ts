import type { EcsServiceLab } from '../ecs/service.js';
import { taskJson } from '../ecs/tasks.js';
import {
  clusterArn,
  ECS_CLUSTER,
  ECS_CONTAINER,
  ECS_CONTAINER_PORT,
  ECS_SERVICE,
  serviceArn,
  taskDefinitionArn,
} from '../ecs/topology.js';
import { LAB_ACCOUNT_ID } from '../types.js';
import { isReadAction, isReadOnlyKey } from './auth.js';
import { ApiError } from './errors.js';
import { type JsonService, paginate } from './json.js';

const secs = (d: Date) => d.getTime() / 1000;
const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
const strs = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

export interface EcsApiDeps {
  service: EcsServiceLab;
  subnets: string[];
  targetGroupArn: string;
}

/** ECS over awsJson1_1 for the lab's one cluster and service. */
export function ecsService(d: EcsApiDeps): JsonService {
  const svc = d.service;
  const clusterOf = (input: Record<string, unknown>): void => {
    const c = str(input.cluster) ?? 'default';
    if (c !== ECS_CLUSTER && c !== clusterArn()) throw new ApiError('ClusterNotFoundException', 'Cluster not found.');
  };
  const isService = (s: string) => s === ECS_SERVICE || s === serviceArn();
  const tagList = (t: Record<string, string>) => Object.entries(t).map(([key, value]) => ({ key, value }));
  const network = {
    awsvpcConfiguration: { subnets: d.subnets, securityGroups: ['sg-0a1b0000000000002'], assignPublicIp: 'DISABLED' },
  };
  const clusterJson = (includeTags: boolean) => {
    const all = [...svc.tasks.values()];
    return {
      clusterArn: clusterArn(),
      clusterName: ECS_CLUSTER,
      status: 'ACTIVE',
      registeredContainerInstancesCount: 0,
      runningTasksCount: all.filter((t) => t.lastStatus === 'RUNNING').length,
      pendingTasksCount: all.filter((t) => t.lastStatus === 'PROVISIONING' || t.lastStatus === 'PENDING').length,
      activeServicesCount: 1,
      statistics: [],
      tags: includeTags ? [{ key: 'drillproof', value: 'allowed' }] : [],
      settings: [{ name: 'containerInsights', value: 'disabled' }],
      capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
      defaultCapacityProviderStrategy: [],
    };
  };
  const serviceJson = (includeTags: boolean) => {
    const dep = svc.deployment;
    return {
      serviceArn: serviceArn(),
      serviceName: ECS_SERVICE,
      clusterArn: clusterArn(),
      loadBalancers: [
        { targetGroupArn: d.targetGroupArn, containerName: ECS_CONTAINER, containerPort: ECS_CONTAINER_PORT },
      ],
      serviceRegistries: [],
      status: 'ACTIVE',
      desiredCount: svc.desiredCount,
      runningCount: svc.runningCount,
      pendingCount: svc.pendingCount,
      launchType: 'FARGATE',
      platformVersion: 'LATEST',
      platformFamily: 'Linux',
      taskDefinition: taskDefinitionArn(),
      deploymentConfiguration: {
        deploymentCircuitBreaker: { enable: false, rollback: false },
        maximumPercent: 200,
        minimumHealthyPercent: 100,
      },
      deployments: [
        {
          id: dep.id,
          status: 'PRIMARY',
          taskDefinition: taskDefinitionArn(),
          desiredCount: svc.desiredCount,
          pendingCount: svc.pendingCount,
          runningCount: svc.runningCount,
          failedTasks: dep.failedTasks,
          createdAt: secs(dep.createdAt),
          updatedAt: secs(dep.updatedAt),
          launchType: 'FARGATE',
          platformVersion: '1.4.0',
          platformFamily: 'Linux',
          networkConfiguration: network,
          rolloutState: dep.rolloutState,
          rolloutStateReason: dep.rolloutStateReason,
        },
      ],
      roleArn: `arn:aws:iam::${LAB_ACCOUNT_ID}:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS`,
      events: svc.events.map((e) => ({ id: e.id, createdAt: secs(e.createdAt), message: e.message })),
      createdAt: secs(svc.createdAt),
      placementConstraints: [],
      placementStrategy: [],
      networkConfiguration: network,
      healthCheckGracePeriodSeconds: svc.healthCheckGracePeriodSeconds,
      schedulingStrategy: 'REPLICA',
      deploymentController: { type: 'ECS' },
      tags: includeTags ? tagList(svc.tags) : undefined,
      createdBy: `arn:aws:iam::${LAB_ACCOUNT_ID}:root`,
      enableECSManagedTags: false,
      propagateTags: 'NONE',
      enableExecuteCommand: false,
      availabilityZoneRebalancing: 'ENABLED',
    };
  };
  const guard = (op: string) => (input: Record<string, unknown>, req: { accessKeyId: string }) => {
    if (!isReadAction(op) && isReadOnlyKey(req.accessKeyId)) {
      throw new ApiError(
        'AccessDeniedException',
        `User: arn:aws:iam::${LAB_ACCOUNT_ID}:user/readonly is not authorized to perform: ecs:${op} on resource: ${str(input.service) ?? str(input.task) ?? '*'}`,
      );
    }
  };
  const wantsTags = (input: Record<string, unknown>) => strs(input.include).includes('TAGS');
  const byArn = (arn: string): Record<string, string> | undefined => {
    if (arn === serviceArn()) return svc.tags;
    const t = [...svc.tasks.values()].find((x) => x.arn === arn);
    return t?.tags;
  };
  /**
   * The tags of the resource a tag call names (the service or a task, by ARN). A service's short
   * ARN (`service/<name>`, no cluster) cannot be tagged; another cluster is not found.
   */
  const taggable = (input: Record<string, unknown>): Record<string, string> => {
    const arn = str(input.resourceArn) ?? '';
    const m = /^arn:aws:ecs:[a-z0-9-]+:\d{12}:(service|task|cluster)\/(.+)$/.exec(arn);
    if (m?.[1] === 'service' && !m[2]?.includes('/')) {
      throw new ApiError('InvalidParameterException', 'Long arn format must be used for tagging operations');
    }
    if (m && m[1] !== 'cluster' && m[2]?.split('/')[0] !== ECS_CLUSTER) {
      throw new ApiError('ClusterNotFoundException', 'Cluster not found.');
    }
    const tags = byArn(arn);
    if (!tags) throw new ApiError('InvalidParameterException', 'The specified resource is not found.');
    return tags;
  };

  return {
    name: 'ecs',
    targetPrefix: 'AmazonEC2ContainerServiceV20141113',
    actions: {
      ListClusters: (input) => {
        const p = paginate([clusterArn()], input.maxResults, input.nextToken, 100, 100);
        return { clusterArns: p.page, nextToken: p.nextToken };
      },
      DescribeClusters: (input) => {
        const asked = strs(input.clusters);
        const names = asked.length > 0 ? asked : ['default'];
        const found = names.filter((c) => c === ECS_CLUSTER || c === clusterArn());
        const missing = names.filter((c) => !found.includes(c));
        return {
          clusters: found.map(() => clusterJson(wantsTags(input))),
          failures: missing.map((c) => ({
            arn: c.startsWith('arn:') ? c : `arn:aws:ecs:us-east-1:${LAB_ACCOUNT_ID}:cluster/${c}`,
            reason: 'MISSING',
          })),
        };
      },
      ListServices: (input) => {
        clusterOf(input);
        const p = paginate([serviceArn()], input.maxResults, input.nextToken, 10, 100);
        return { serviceArns: p.page, nextToken: p.nextToken };
      },
      DescribeServices: (input) => {
        clusterOf(input);
        const names = strs(input.services);
        if (names.length === 0) throw new ApiError('InvalidParameterException', 'Services cannot be empty.');
        if (names.length > 10)
          throw new ApiError('InvalidParameterException', 'The services list has too many items (max 10).');
        return {
          services: names.filter(isService).map(() => serviceJson(wantsTags(input))),
          failures: names
            .filter((n) => !isService(n))
            .map((n) => ({ arn: n.startsWith('arn:') ? n : serviceArn(n), reason: 'MISSING' })),
        };
      },
      ListTasks: (input) => {
        clusterOf(input);
        const serviceName = str(input.serviceName);
        if (serviceName !== undefined && !isService(serviceName)) {
          throw new ApiError('ServiceNotFoundException', 'Service not found.');
        }
        const desired = str(input.desiredStatus) ?? 'RUNNING';
        if (!['RUNNING', 'PENDING', 'STOPPED'].includes(desired)) {
          throw new ApiError('InvalidParameterException', `Invalid desiredStatus: ${desired}`);
        }
        const startedBy = str(input.startedBy);
        const family = str(input.family);
        const launchType = str(input.launchType);
        const list = [...svc.tasks.values()]
          .filter((t) => t.desiredStatus === desired)
          .filter((t) => startedBy === undefined || t.startedBy === startedBy)
          .filter(() => family === undefined || family === 'lab-api')
          .filter(() => launchType === undefined || launchType === 'FARGATE')
          .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
          .map((t) => t.arn);
        const p = paginate(list, input.maxResults, input.nextToken, 100, 100);
        return { taskArns: p.page, nextToken: p.nextToken };
      },
      DescribeTasks: (input) => {
        clusterOf(input);
        const ids = strs(input.tasks);
        if (ids.length === 0) throw new ApiError('InvalidParameterException', 'Tasks cannot be empty.');
        if (ids.length > 100)
          throw new ApiError('InvalidParameterException', 'The tasks list has too many items (max 100).');
        const tasks = [];
        const failures = [];
        for (const id of ids) {
          try {
            tasks.push(taskJson(svc.task(id), clusterArn(), wantsTags(input)));
          } catch {
            failures.push({ arn: id, reason: 'MISSING' });
          }
        }
        return { tasks, failures };
      },
      StopTask: (input, req) => {
        guard('StopTask')(input, req);
        clusterOf(input);
        const id = str(input.task);
        if (!id) throw new ApiError('InvalidParameterException', 'Task cannot be empty.');
        const reason = str(input.reason);
        if (reason !== undefined && reason.length > 255) {
          throw new ApiError('InvalidParameterException', 'Reason cannot be longer than 255 characters.');
        }
        const t = svc.stopTask(svc.task(id), 'UserInitiated', reason ?? 'Task stopped by user');
        return { task: taskJson(t, clusterArn(), false) };
      },
      UpdateService: (input, req) => {
        guard('UpdateService')(input, req);
        clusterOf(input);
        const name = str(input.service) ?? '';
        if (!isService(name)) throw new ApiError('ServiceNotFoundException', 'Service not found.');
        if (input.healthCheckGracePeriodSeconds !== undefined) {
          const g = Number(input.healthCheckGracePeriodSeconds);
          if (!Number.isInteger(g) || g < 0 || g > 2147483647) {
            throw new ApiError('InvalidParameterException', 'healthCheckGracePeriodSeconds is out of range.');
          }
          svc.healthCheckGracePeriodSeconds = g;
        }
        if (input.desiredCount !== undefined) svc.setDesiredCount(Number(input.desiredCount));
        return { service: serviceJson(false) };
      },
      ListTagsForResource: (input) => ({ tags: tagList(taggable(input)) }),
      TagResource: (input, req) => {
        guard('TagResource')(input, req);
        const tags = taggable(input);
        const add = Array.isArray(input.tags) ? (input.tags as { key?: unknown; value?: unknown }[]) : [];
        if (add.length === 0) throw new ApiError('InvalidParameterException', 'Tags cannot be empty.');
        for (const t of add) {
          if (typeof t.key !== 'string' || t.key === '')
            throw new ApiError('InvalidParameterException', 'Tag key cannot be empty.');
          if (t.key.toLowerCase().startsWith('aws:')) {
            throw new ApiError('InvalidParameterException', 'The aws: prefix is reserved for AWS use.');
          }
        }
        for (const t of add) tags[t.key as string] = typeof t.value === 'string' ? t.value : '';
        if (Object.keys(tags).length > 50) throw new ApiError('InvalidParameterException', 'Too many tags (max 50).');
        return {};
      },
      UntagResource: (input, req) => {
        guard('UntagResource')(input, req);
        const tags = taggable(input);
        for (const k of strs(input.tagKeys)) delete tags[k];
        return {};
      },
    },
  };
}
