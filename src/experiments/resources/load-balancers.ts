import type { AwsApis } from '../../aws/apis.js';
import { call } from '../plan/context.js';
import type { AwsCall } from '../plan/types.js';

/** A load balancer that routes to a target group a selector went through. */
export interface LoadBalancerRef {
  arn: string;
  /** What clients put in their URLs (AWS: `name-123.region.elb.amazonaws.com`). */
  dnsName: string;
}

/**
 * The load balancers in front of target groups, from AWS's answers: DescribeTargetGroups gives
 * each group's LoadBalancerArns, DescribeLoadBalancers their DNS names. An http probe whose URL
 * host is one of them goes through the group to its targets (probe coverage). A refused or
 * failed call leaves the list empty: the derivation is a default, `dependsOn` states it.
 */
export async function loadBalancersOf(aws: AwsApis, targetGroupArns: readonly string[]): Promise<LoadBalancerRef[]> {
  if (targetGroupArns.length === 0) return [];
  try {
    const tgs = await aws.elbv2.describeTargetGroups({ TargetGroupArns: [...targetGroupArns] });
    const lbArns = [...new Set((tgs.TargetGroups ?? []).flatMap((g) => g.LoadBalancerArns ?? []))];
    if (lbArns.length === 0) return [];
    const lbs = await aws.elbv2.describeLoadBalancers({ LoadBalancerArns: lbArns });
    return (lbs.LoadBalancers ?? [])
      .filter((lb) => lb.LoadBalancerArn && lb.DNSName)
      .map((lb) => ({ arn: lb.LoadBalancerArn as string, dnsName: lb.DNSName as string }));
  } catch {
    return [];
  }
}

/** The plan's calls of {@link loadBalancersOf} (ELBv2 Describe* take no resource-level ARNs). */
export function loadBalancerCalls(): AwsCall[] {
  return [
    call('elbv2', 'DescribeTargetGroups', ['*'], { note: 'the load balancers in front of the target groups' }),
    call('elbv2', 'DescribeLoadBalancers', ['*'], { note: 'their DNS names (which http probes go through them)' }),
  ];
}
