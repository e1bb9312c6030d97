import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fisTemplateAzScope } from '../../src/reports/az-scope.js';
import { fisFixturesDir, repoRoot } from '../_helpers/scenario-files.js';

const template = (file: string) =>
  JSON.parse(readFileSync(join(fisFixturesDir, file), 'utf8')) as Record<string, unknown>;

describe('fisTemplateAzScope (RES-004: does the experiment impair an Availability Zone?)', () => {
  it('credits the published ECS Fargate AZ impairment template: tasks filtered by AZ, all of them stopped', () => {
    const s = fisTemplateAzScope(template('ecs-fargate-az-impairment-template.json'));
    expect(s.rule).toBe('fis-targets-in-az');
    expect(s.azs).toEqual(['<YOUR TARGET AZ>']);
    expect(s.detail).toContain('stop-tasks-in-az (aws:ecs:stop-task) acts on every target of ecs-tasks-for-stop');
    expect(s.detail).toContain('filter AvailabilityZone, selection ALL');
  });

  it('credits the shipped AWS scenario template: every tagged instance in us-east-1a stopped', () => {
    const t = JSON.parse(readFileSync(join(repoRoot, 'scenarios/aws/fis/stop-instances-in-az.json'), 'utf8'));
    expect(fisTemplateAzScope(t)).toMatchObject({ rule: 'fis-targets-in-az', azs: ['us-east-1a'] });
  });

  it('recognises the AZ Availability: Power Interruption action set', () => {
    const s = fisTemplateAzScope(template('drillproof-az-power-interruption-us-east-1a.json'));
    expect(s.rule).toBe('fis-az-power-interruption');
    expect(s.azs).toEqual(['us-east-1a']);
    // Each action on its own: what counts and what does not.
    const by = Object.fromEntries(s.findings.map((f) => [f.action, f.rule]));
    expect(by).toEqual({
      'Pause-Instance-Launches': null,
      'Stop-Instances': 'fis-targets-in-az',
      'Pause-EBS-IO': null,
      'Pause-network-connectivity': 'fis-subnets-in-az',
      'Failover-RDS': 'fis-database-in-az',
    });
    expect(s.findings.find((f) => f.action === 'Pause-EBS-IO')?.why).toContain('selects COUNT(1)');
  });

  it.each([
    ['aurora-cluster-failover-template.json', 'names no Availability Zone'],
    ['ec2-spot-interruption-template.json', 'names no Availability Zone'],
    ['dynamodb-traffic-blackhole-region-impairment-template.json', 'names no Availability Zone'],
    ['sap-ec2-instance-stop-sap-ascs-template.json', 'names no Availability Zone'],
    ['mysql-rds-loadtest-failover-template.json', 'names no Availability Zone'],
    ['lab-stop-one-web-instance-in-lab-1a.json', 'selects COUNT(1) of target WebInLab1a in lab-1a, not the whole AZ'],
  ])('does not credit %s', (file, why) => {
    const s = fisTemplateAzScope(template(file));
    expect(s.rule).toBeNull();
    expect(s.detail).toContain(why);
  });

  it('reads network disruption scopes and AZ parameters as AWS documents them', () => {
    const subnets = (scope: string | undefined, selectionMode = 'ALL') => ({
      targets: {
        s: {
          resourceType: 'aws:ec2:subnet',
          resourceTags: { a: 'b' },
          parameters: { availabilityZoneIdentifier: 'use1-az1' },
          selectionMode,
        },
      },
      actions: {
        cut: {
          actionId: 'aws:network:disrupt-connectivity',
          parameters: scope ? { duration: 'PT5M', scope } : { duration: 'PT5M' },
          targets: { Subnets: 's' },
        },
      },
    });
    expect(fisTemplateAzScope(subnets(undefined)).rule).toBe('fis-subnets-in-az'); // scope defaults to all
    expect(fisTemplateAzScope(subnets('availability-zone')).rule).toBe('fis-subnets-in-az');
    expect(fisTemplateAzScope(subnets('s3')).detail).toContain('cuts only s3 traffic');
    expect(fisTemplateAzScope(subnets('all', 'PERCENT(50)')).rule).toBeNull();
    expect(fisTemplateAzScope(subnets('all', 'PERCENT(100)')).rule).toBe('fis-subnets-in-az');
    const rds = (az: string) => ({
      targets: {
        c: {
          resourceType: 'aws:rds:cluster',
          resourceTags: { a: 'b' },
          parameters: { writerAvailabilityZoneIdentifiers: az },
        },
      },
      actions: { f: { actionId: 'aws:rds:failover-db-cluster', targets: { Clusters: 'c' } } },
    });
    expect(fisTemplateAzScope(rds('us-east-1b')).rule).toBe('fis-database-in-az');
    expect(fisTemplateAzScope(rds('all')).rule).toBeNull();
    expect(fisTemplateAzScope({}).detail).toBe('the template has no actions');
  });
});
