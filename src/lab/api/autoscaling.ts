import type { AutoScalingGroupLab } from '../asg/group.js';
import { ASG_ARN, ASG_LAUNCH_TEMPLATE, type AsgActivity, type AsgMember, SCALING_PROCESSES } from '../asg/model.js';
import { subnetId } from '../topology.js';
import { LAB_ACCOUNT_ID } from '../types.js';
import { deniedFor, isReadOnlyKey } from './auth.js';
import { ApiError } from './errors.js';
import type { ApiRequest, QueryService } from './protocol.js';
import type { QueryParams } from './query.js';
import { list, type XmlObject } from './xml.js';

const invalid = (msg: string) => new ApiError('ValidationError', msg);

/** MaxRecords within the operation's range (ValidationError otherwise); NextToken is an offset the lab wrote. */
function page<T>(items: T[], p: QueryParams, def: number, max: number): { items: T[]; next: string | undefined } {
  const n = p.int('MaxRecords') ?? def;
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw invalid(`MaxRecords must be between 1 and ${max}, not ${p.str('MaxRecords')}.`);
  }
  const token = p.str('NextToken');
  const start = token === undefined ? 0 : /^\d+$/.test(token) ? Number(token) : Number.NaN;
  if (!Number.isInteger(start) || start > items.length) {
    throw new ApiError('InvalidNextToken', 'The token you provided is invalid.');
  }
  return { items: items.slice(start, start + n), next: start + n < items.length ? String(start + n) : undefined };
}

const launchTemplate = () => ({ ...ASG_LAUNCH_TEMPLATE });

function memberXml(m: AsgMember): XmlObject {
  return {
    InstanceId: m.id,
    InstanceType: 't3.micro',
    AvailabilityZone: m.az,
    LifecycleState: m.lifecycle,
    HealthStatus: m.health,
    LaunchTemplate: launchTemplate(),
    ProtectedFromScaleIn: false,
  };
}

function groupTags(g: AutoScalingGroupLab) {
  return [
    { Key: 'Name', Value: 'web' },
    { Key: 'app', Value: 'web' },
  ].map((t) => ({ ResourceId: g.s.name, ResourceType: 'auto-scaling-group', ...t, PropagateAtLaunch: true }));
}

function groupXml(g: AutoScalingGroupLab, targetGroupArns: string[]): XmlObject {
  return {
    AutoScalingGroupName: g.s.name,
    AutoScalingGroupARN: ASG_ARN,
    LaunchTemplate: launchTemplate(),
    MinSize: g.s.minSize,
    MaxSize: g.s.maxSize,
    DesiredCapacity: g.s.desiredCapacity,
    DefaultCooldown: 300,
    AvailabilityZones: list('member', g.s.azs),
    LoadBalancerNames: list('member', []),
    TargetGroupARNs: list('member', targetGroupArns),
    HealthCheckType: g.s.healthCheckType,
    // The API speaks whole seconds; the lab's grace period may be shorter than one.
    HealthCheckGracePeriod: Math.ceil(g.s.healthCheckGracePeriodMs / 1000),
    Instances: list('member', [...g.members.values()].map(memberXml)),
    CreatedTime: g.createdTime,
    SuspendedProcesses: list(
      'member',
      [...g.suspended.values()].map((s) => ({ ProcessName: s.name, SuspensionReason: s.reason })),
    ),
    VPCZoneIdentifier: g.s.azs.map(subnetId).join(','),
    EnabledMetrics: list('member', []),
    Tags: list('member', groupTags(g)),
    TerminationPolicies: list('member', ['Default']),
    NewInstancesProtectedFromScaleIn: false,
    ServiceLinkedRoleARN: `arn:aws:iam::${LAB_ACCOUNT_ID}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`,
  };
}

function activityXml(g: AutoScalingGroupLab, a: AsgActivity): XmlObject {
  return {
    ActivityId: a.id,
    AutoScalingGroupName: g.s.name,
    AutoScalingGroupARN: ASG_ARN,
    Description: a.description,
    Cause: a.cause,
    StartTime: a.start,
    EndTime: a.end,
    StatusCode: a.status,
    StatusMessage: a.statusMessage,
    Progress: a.progress,
    Details: a.details,
  };
}

/** Filters of DescribeAutoScalingGroups: tag:<key>, tag-key, tag-value (all must match). */
function matchesFilters(g: AutoScalingGroupLab, p: QueryParams): boolean {
  const tags = groupTags(g);
  return p.list('Filters').every((f) => {
    const name = f.str('Name') ?? '';
    const values = f.strList('Values');
    if (name.startsWith('tag:')) return tags.some((t) => t.Key === name.slice(4) && values.includes(t.Value));
    if (name === 'tag-key') return tags.some((t) => values.includes(t.Key));
    if (name === 'tag-value') return tags.some((t) => values.includes(t.Value));
    throw invalid(`Filter type ${name} is not correct. Allowed Filter types are: tag-key tag-value tag:<key>`);
  });
}

export function autoScalingService(groups: AutoScalingGroupLab[], targetGroupArns: string[]): QueryService {
  const group = (p: QueryParams): AutoScalingGroupLab => {
    const name = p.str('AutoScalingGroupName');
    if (!name) {
      throw invalid(
        "1 validation error detected: Value null at 'autoScalingGroupName' failed to satisfy constraint: Member must not be null",
      );
    }
    const g = groups.find((x) => x.s.name === name || name === ASG_ARN);
    if (!g) throw invalid(`AutoScalingGroup name not found - AutoScalingGroup ${name} not found`);
    return g;
  };
  const write = (req: ApiRequest, action: string) => {
    if (isReadOnlyKey(req.accessKeyId)) throw deniedFor('autoscaling', action);
  };
  return {
    name: 'autoscaling',
    protocol: 'query',
    xmlns: 'http://autoscaling.amazonaws.com/doc/2011-01-01/',
    noResult: ['SuspendProcesses', 'ResumeProcesses'],
    actions: {
      DescribeAutoScalingGroups: (p) => {
        const names = p.strList('AutoScalingGroupNames');
        // Unknown names are left out, not an error (as AWS does).
        const picked = groups.filter((g) => (names.length === 0 || names.includes(g.s.name)) && matchesFilters(g, p));
        const pg = page(picked, p, 50, 100);
        return {
          AutoScalingGroups: list(
            'member',
            pg.items.map((g) => groupXml(g, targetGroupArns)),
          ),
          NextToken: pg.next,
        };
      },
      DescribeAutoScalingInstances: (p) => {
        const ids = p.strList('InstanceIds');
        const all = groups.flatMap((g) => [...g.members.values()].map((m) => ({ g, m })));
        const picked = ids.length === 0 ? all : all.filter((x) => ids.includes(x.m.id));
        const pg = page(picked, p, 50, 50);
        return {
          AutoScalingInstances: list(
            'member',
            pg.items.map(({ g, m }) => ({
              InstanceId: m.id,
              InstanceType: 't3.micro',
              AutoScalingGroupName: g.s.name,
              AvailabilityZone: m.az,
              LifecycleState: m.lifecycle,
              // This operation writes the health status in capitals (the groups' Instances do not).
              HealthStatus: m.health.toUpperCase(),
              LaunchTemplate: launchTemplate(),
              ProtectedFromScaleIn: false,
            })),
          ),
          NextToken: pg.next,
        };
      },
      SuspendProcesses: (p, req) => {
        const g = group(p);
        write(req, 'SuspendProcesses');
        g.suspend(p.strList('ScalingProcesses'));
        return {};
      },
      ResumeProcesses: (p, req) => {
        const g = group(p);
        write(req, 'ResumeProcesses');
        g.resume(p.strList('ScalingProcesses'));
        return {};
      },
      DescribeScalingProcessTypes: () => ({
        Processes: list(
          'member',
          SCALING_PROCESSES.map((ProcessName) => ({ ProcessName })),
        ),
      }),
      DescribeScalingActivities: (p) => {
        const name = p.str('AutoScalingGroupName');
        const ids = p.strList('ActivityIds');
        if (ids.length > 50) throw invalid('You can specify up to 50 activity IDs.');
        const picked = groups
          .filter((g) => name === undefined || g.s.name === name)
          .flatMap((g) => g.activities.map((a) => ({ g, a })))
          .filter((x) => ids.length === 0 || ids.includes(x.a.id))
          // In-progress activities first, then newest first.
          .sort(
            (x, y) =>
              Number(y.a.status === 'InProgress') - Number(x.a.status === 'InProgress') ||
              y.a.start.getTime() - x.a.start.getTime(),
          );
        const pg = page(picked, p, 100, 100);
        return {
          Activities: list(
            'member',
            pg.items.map(({ g, a }) => activityXml(g, a)),
          ),
          NextToken: pg.next,
        };
      },
    },
  };
}
