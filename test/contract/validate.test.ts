import { describe, expect, it } from 'vitest';
import { AWS_SDK_V2_VERSION, loadServiceModel } from './model.js';
import { validateRequest } from './validate.js';

describe('the contract validator against AWS API models', () => {
  it('loads the newest model of any service key (generic over services)', () => {
    expect(loadServiceModel('rds').file).toBe('rds-2014-10-31.min.json');
    expect(loadServiceModel('elbv2').file).toBe('elasticloadbalancingv2-2015-12-01.min.json');
    for (const k of ['ecs', 'lambda', 'elasticache', 'dynamodb', 'backup', 'autoscaling']) {
      expect(Object.keys(loadServiceModel(k).operations).length, k).toBeGreaterThan(10);
    }
    expect(AWS_SDK_V2_VERSION).toBe('2.1693.0');
    expect(() => loadServiceModel('nosuch')).toThrow(/no AWS API model/);
  });

  it('accepts a correct request', () => {
    expect(validateRequest('ec2', 'StopInstances', { InstanceIds: ['i-1'], DryRun: true, Force: false })).toEqual([]);
    expect(
      validateRequest('rds', 'DescribeEvents', {
        SourceIdentifier: 'db1',
        SourceType: 'db-instance',
        StartTime: new Date(),
      }),
    ).toEqual([]);
  });

  it('names an unknown operation, a missing required member, an unknown member and a wrong type', () => {
    expect(validateRequest('ec2', 'StopInstance', {})).toEqual([
      'ec2:StopInstance is not an operation of ec2-2016-11-15.min.json',
    ]);
    expect(validateRequest('ec2', 'StopInstances', {})).toEqual([
      'ec2:StopInstances InstanceIds: required member missing',
    ]);
    expect(validateRequest('ec2', 'StopInstances', { InstanceIds: ['i-1'], Forced: true })[0]).toMatch(
      /^ec2:StopInstances Forced: not a member of the model/,
    );
    expect(validateRequest('ec2', 'StopInstances', { InstanceIds: 'i-1' })).toEqual([
      'ec2:StopInstances InstanceIds: expected a list, got "i-1"',
    ]);
    expect(validateRequest('rds', 'DescribeEvents', { StartTime: '2026-01-01T00:00:00Z' })).toEqual([
      'rds:DescribeEvents StartTime: expected a timestamp (Date), got "2026-01-01T00:00:00Z"',
    ]);
    // The journal records dates as ISO strings and secrets redacted: accepted in journal mode only.
    expect(validateRequest('rds', 'DescribeEvents', { StartTime: '2026-01-01T00:00:00Z' }, { journal: true })).toEqual(
      [],
    );
    expect(validateRequest('rds', 'RebootDBInstance', { DBInstanceIdentifier: 'x', ForceFailover: 'yes' })).toEqual([
      'rds:RebootDBInstance ForceFailover: expected a boolean, got "yes"',
    ]);
  });

  it('checks nested structures, maps and lists', () => {
    const p = validateRequest('fis', 'CreateExperimentTemplate', {
      clientToken: 't',
      description: 'd',
      roleArn: 'arn:aws:iam::1:role/r',
      stopConditions: [{ sources: 'none' }],
      actions: { a: { actionId: 'aws:fis:wait', startAfterDelay: 'PT1M' } },
    });
    expect(p).toEqual([
      'fis:CreateExperimentTemplate stopConditions[].source: required member missing',
      expect.stringMatching(/^fis:CreateExperimentTemplate stopConditions\[\]\.sources: not a member/),
      expect.stringMatching(/^fis:CreateExperimentTemplate actions\{\}\.startAfterDelay: not a member/),
    ]);
  });

  it('checks enums, ranges, lengths and patterns (constraints.ts)', () => {
    expect(validateRequest('cloudwatch', 'DescribeAlarms', { AlarmTypes: ['CompositeAlarm', 'Composite'] })[0]).toMatch(
      /AlarmTypes\[\]: "Composite" is not one of CompositeAlarm, .*MetricAlarm/,
    );
    expect(validateRequest('rds', 'DescribeDBInstances', { MaxRecords: 500 })[0]).toMatch(
      /MaxRecords: 500 is above 100/,
    );
    expect(
      validateRequest('rds', 'RestoreDBInstanceToPointInTime', {
        SourceDBInstanceIdentifier: 'db',
        TargetDBInstanceIdentifier: '1-bad--id',
        UseLatestRestorableTime: true,
      })[0],
    ).toMatch(/TargetDBInstanceIdentifier: "1-bad--id" does not match/);
    expect(
      validateRequest('fis', 'StartExperiment', { experimentTemplateId: 'EXT1', clientToken: 'x'.repeat(65) })[0],
    ).toMatch(/clientToken: longer than 64/);
  });

  it('members newer than the package models validate from their cited supplement', () => {
    const base = {
      clientToken: 't',
      description: 'd',
      roleArn: 'arn:aws:iam::1:role/r',
      stopConditions: [{ source: 'none' }],
      actions: {},
    };
    expect(
      validateRequest('fis', 'CreateExperimentTemplate', {
        ...base,
        experimentReportConfiguration: {
          outputs: { s3Configuration: { bucketName: 'my-reports', prefix: 'fis/' } },
          dataSources: { cloudWatchDashboards: [{ dashboardIdentifier: 'arn:aws:cloudwatch::1:dashboard/x' }] },
          preExperimentDuration: 'PT10M',
        },
      }),
    ).toEqual([]);
    expect(
      validateRequest('fis', 'CreateExperimentTemplate', {
        ...base,
        experimentReportConfiguration: { outputs: { s3: {} }, preExperimentDuration: 'P T' },
      }),
    ).toEqual([
      expect.stringMatching(/experimentReportConfiguration\.outputs\.s3: not a member/),
      expect.stringMatching(/experimentReportConfiguration\.preExperimentDuration: "P T" does not match/),
    ]);
  });
});

describe('the lab response checker against AWS output shapes', () => {
  it('accepts a well-formed answer and names members the model does not have', async () => {
    const { checkLabResponse } = await import('./responses.js');
    const ok =
      '<?xml version="1.0"?><DescribeDBInstancesResponse xmlns="x"><DescribeDBInstancesResult><DBInstances><DBInstance><DBInstanceIdentifier>db</DBInstanceIdentifier><MultiAZ>true</MultiAZ><AllocatedStorage>20</AllocatedStorage></DBInstance></DBInstances></DescribeDBInstancesResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DescribeDBInstancesResponse>';
    expect(checkLabResponse('rds', 'DescribeDBInstances', ok)).toEqual([]);
    const bad = ok
      .replace('<MultiAZ>true</MultiAZ>', '<MultiAz>true</MultiAz><AllocatedStorage>lots</AllocatedStorage>')
      .replace(/<DBInstance>/, '<member>')
      .replace(/<\/DBInstance>/, '</member>');
    expect(checkLabResponse('rds', 'DescribeDBInstances', bad)).toEqual([
      'rds:DescribeDBInstances DBInstances: list item <member>, the SDK reads only <DBInstance>',
    ]);
    expect(
      checkLabResponse(
        'rds',
        'DescribeDBInstances',
        ok.replace('<MultiAZ>true</MultiAZ>', '<MultiAz>true</MultiAz><AllocatedStorage>lots</AllocatedStorage>'),
      ),
    ).toEqual([
      expect.stringMatching(/^rds:DescribeDBInstances DBInstances\[\]: <MultiAz> is not a member of the model/),
      'rds:DescribeDBInstances DBInstances[].AllocatedStorage: "lots" is not an integer',
    ]);
    expect(checkLabResponse('rds', 'DescribeDBInstances', ok.replace(/DescribeDBInstancesResult/g, 'Result'))).toEqual([
      'rds:DescribeDBInstances <Result>: not part of the response (expected <DescribeDBInstancesResult> and <ResponseMetadata>)',
      'rds:DescribeDBInstances <DescribeDBInstancesResult> missing: the SDK would read an empty result',
    ]);
    expect(
      checkLabResponse('fis', 'GetExperiment', JSON.stringify({ experiment: { id: 'E', startAfterDelay: 'PT1M' } })),
    ).toEqual([expect.stringMatching(/^fis:GetExperiment experiment: "startAfterDelay" is not a member of the model/)]);
    expect(
      checkLabResponse(
        'ec2',
        'StopInstances',
        '<StopInstancesResponse><requestId>r</requestId><instancesSet><item><instanceId>i</instanceId></item></instancesSet></StopInstancesResponse>',
      ),
    ).toEqual([]);
  });
});
