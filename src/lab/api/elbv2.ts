import type { TargetGroup } from '../alb/target-group.js';
import { deniedFor, isReadOnlyKey } from './auth.js';
import { LAB_VPC_ID } from './ec2.js';
import { ApiError } from './errors.js';
import type { ApiRequest, QueryService } from './protocol.js';
import type { QueryParams } from './query.js';
import { list, type XmlObject } from './xml.js';

export interface LoadBalancerInfo {
  arn: string;
  name: string;
  dnsName: string;
  createdTime: Date;
  subnets: { id: string; az: string }[];
  group: TargetGroup;
  /** More target groups behind the same load balancer (e.g. the ECS service's `ip` group). */
  extraGroups?: TargetGroup[];
}

const secs = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

const allGroups = (lb: LoadBalancerInfo) => [lb.group, ...(lb.extraGroups ?? [])];

function tgXml(lb: LoadBalancerInfo, g: TargetGroup): XmlObject {
  return {
    TargetGroupArn: g.arn,
    TargetGroupName: g.name,
    Protocol: 'HTTP',
    Port: g.port,
    VpcId: LAB_VPC_ID,
    HealthCheckProtocol: 'HTTP',
    HealthCheckPort: 'traffic-port',
    HealthCheckEnabled: true,
    // ELBv2 counts whole seconds; the lab's exact (sub-second) settings are in lab.json `options`.
    HealthCheckIntervalSeconds: secs(g.hc.intervalMs),
    HealthCheckTimeoutSeconds: secs(g.hc.timeoutMs),
    HealthyThresholdCount: g.hc.healthyThreshold,
    UnhealthyThresholdCount: g.hc.unhealthyThreshold,
    HealthCheckPath: g.hc.path,
    Matcher: { HttpCode: '200' },
    LoadBalancerArns: list('member', [lb.arn]),
    TargetType: g.targetType,
    ProtocolVersion: 'HTTP1',
    IpAddressType: 'ipv4',
  };
}

function targets(p: QueryParams): { id: string; port?: number; az?: string }[] {
  return p.list('Targets').map((t) => {
    const id = t.str('Id') ?? '';
    const port = t.int('Port');
    const az = t.str('AvailabilityZone');
    return { id, ...(port === undefined ? {} : { port }), ...(az === undefined ? {} : { az }) };
  });
}

function denyWrites(req: ApiRequest, action: string): void {
  if (isReadOnlyKey(req.accessKeyId)) throw deniedFor('elasticloadbalancing', action);
}

export function elbv2Service(lb: LoadBalancerInfo): QueryService {
  const group = (p: QueryParams): TargetGroup => {
    const arn = p.str('TargetGroupArn');
    const g = allGroups(lb).find((x) => x.arn === arn);
    if (!g) throw new ApiError('TargetGroupNotFound', `Target groups '${arn}' not found`);
    return g;
  };
  return {
    name: 'elasticloadbalancing',
    protocol: 'query',
    xmlns: 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/',
    actions: {
      DescribeLoadBalancers: (p) => {
        const arns = p.strList('LoadBalancerArns');
        const names = p.strList('Names');
        const missing = [...arns.filter((a) => a !== lb.arn), ...names.filter((n) => n !== lb.name)];
        if (missing.length > 0)
          throw new ApiError('LoadBalancerNotFound', `Load balancers '${missing.join(', ')}' not found`);
        return {
          LoadBalancers: list('member', [
            {
              LoadBalancerArn: lb.arn,
              DNSName: lb.dnsName,
              CanonicalHostedZoneId: 'Z35SXDOTRQ7X7K',
              CreatedTime: lb.createdTime,
              LoadBalancerName: lb.name,
              Scheme: 'internet-facing',
              VpcId: LAB_VPC_ID,
              State: { Code: 'active' },
              Type: 'application',
              AvailabilityZones: list(
                'member',
                lb.subnets.map((s) => ({ ZoneName: s.az, SubnetId: s.id })),
              ),
              SecurityGroups: list('member', ['sg-0a1b0000000000001']),
              IpAddressType: 'ipv4',
            },
          ]),
        };
      },
      DescribeTargetGroups: (p) => {
        const arns = p.strList('TargetGroupArns');
        const names = p.strList('Names');
        const lbArn = p.str('LoadBalancerArn');
        const groups = allGroups(lb);
        const missing = [
          ...arns.filter((a) => !groups.some((g) => g.arn === a)),
          ...names.filter((n) => !groups.some((g) => g.name === n)),
        ];
        if (missing.length > 0)
          throw new ApiError('TargetGroupNotFound', `Target groups '${missing.join(', ')}' not found`);
        if (lbArn !== undefined && lbArn !== lb.arn)
          throw new ApiError('LoadBalancerNotFound', `Load balancers '${lbArn}' not found`);
        const picked =
          arns.length + names.length === 0
            ? groups
            : groups.filter((g) => arns.includes(g.arn) || names.includes(g.name));
        return {
          TargetGroups: list(
            'member',
            picked.map((g) => tgXml(lb, g)),
          ),
        };
      },
      DescribeTargetGroupAttributes: (p) => {
        const g = group(p);
        return {
          Attributes: list('member', [
            {
              Key: 'deregistration_delay.timeout_seconds',
              Value: String(Math.round(g.hc.deregistrationDelayMs / 1000)),
            },
            { Key: 'stickiness.enabled', Value: 'false' },
            { Key: 'load_balancing.algorithm.type', Value: 'round_robin' },
          ]),
        };
      },
      DescribeTargetHealth: (p) => {
        const g = group(p);
        const asked = targets(p);
        const rows =
          asked.length > 0
            ? asked.map((a) => ({ a, t: g.find(a.id, a.port) }))
            : [...g.targets.values()].map((t) => ({ a: { id: t.id, port: t.port }, t }));
        return {
          TargetHealthDescriptions: list(
            'member',
            rows.map(({ a, t }) => {
              if (!t) {
                return {
                  Target: { Id: a.id, Port: a.port ?? g.port },
                  HealthCheckPort: String(a.port ?? g.port),
                  TargetHealth: {
                    State: 'unused',
                    Reason: 'Target.NotRegistered',
                    Description: 'Target is not registered to the target group',
                  },
                };
              }
              return {
                Target: { Id: t.id, Port: t.port, AvailabilityZone: t.az },
                HealthCheckPort: String(t.port),
                TargetHealth: { State: t.state, Reason: t.reason, Description: t.description },
              };
            }),
          ),
        };
      },
      RegisterTargets: (p, req) => {
        const g = group(p);
        denyWrites(req, 'RegisterTargets');
        g.register(targets(p));
        return {};
      },
      DeregisterTargets: (p, req) => {
        const g = group(p);
        denyWrites(req, 'DeregisterTargets');
        g.deregisterTargets(targets(p));
        return {};
      },
    },
  };
}
